/*
 * schemagen.runtime.native._columns, read direction: records built straight from the
 * Arrow buffers of a record batch, their slots set directly.
 *
 * read(plan, data) takes the happy path only, like build(): any value the generated
 * pure-Python reader might treat otherwise (a null in a required field, a date Python
 * cannot hold, sub-microsecond digits, malformed offsets, values that the pure reader
 * converts but no visited row refers to...) raises Bail, and the caller runs the
 * generated reader on the same batch.  Its errors, word for word, are then the errors.
 *
 *   plan node = (kind, nullable, slot_offset, a, b, children, cls)   (as for build)
 *     K_STRUCT: children are the record's fields, cls the exact record class
 *     K_DEFAULT: a field the batch lacks; cls is its default value (a == 0), or the
 *                factory called once per record (a == 1)
 *     K_UNREAD: a field the read's projection leaves out: its slot is left unset (NULL),
 *               so reading it raises (cls, the record class, is then a partial class)
 *   data node = (length, offset, null_count, validity, buf1, buf2, children)
 *     validity: a pyarrow Buffer (bits) or None; buf1: values (fixed width, bools as
 *     bits) or int32 offsets (strings, binaries, lists); buf2: string/binary bytes;
 *     children: a tuple per child (None for a K_DEFAULT field) for structs, the values
 *     array for lists.  The root is a struct node without validity (the batch).
 *
 * Buffers are read through the buffer protocol; every index is checked against the
 * buffer's size before it is read.  Only the plan and the data tuples (alive for the
 * whole call, held by the arguments) are borrowed; a factory call may run Python code,
 * and touches nothing of ours.
 */
#include "_columns.h"
#include <datetime.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

typedef struct rcol rcol_t;
struct rcol {
    int kind, nullable;
    Py_ssize_t slot;             /* byte offset of the field's slot in its record */
    long a, b;
    PyObject *cls;               /* K_STRUCT: record class; K_DEFAULT: value or factory */
    Py_ssize_t length, off;      /* the array's length and offset (in values) */
    const uint8_t *valid;        /* validity bits, NULL when nothing is null */
    const uint8_t *data;         /* fixed-width values, bool bits, or string bytes */
    Py_ssize_t data_len;         /* bytes */
    const uint8_t *offs;         /* int32 offsets (K_STR, K_BIN, K_LIST) */
    Py_ssize_t consumed;         /* K_LIST: items visited */
    PyObject **cache;            /* K_STR, K_DATE: recent values (see cached_str) */
    int32_t *cache_keys;         /* K_DATE: the day of each cache entry */
    Py_ssize_t lookups, hits;
    rcol_t *children;
    Py_ssize_t nchildren;
};

typedef struct {
    Py_buffer *views;
    Py_ssize_t n, cap;
} views_t;

static int rbail(const char *why) { PyErr_SetString(sg_Bail, why); return -1; }

#define CACHE_SIZE 1024          /* entries (a power of two) */
#define CACHE_MAX_LEN 32         /* longest string cached (bytes) */
#define CACHE_TRIAL 4096         /* lookups before a column's hit rate is judged */

static void cache_free(rcol_t *c) {
    if (c->cache)
        for (Py_ssize_t i = 0; i < CACHE_SIZE; i++) Py_XDECREF(c->cache[i]);
    PyMem_Free(c->cache);
    PyMem_Free(c->cache_keys);
    c->cache = NULL;
    c->cache_keys = NULL;
}

static void rcol_free(rcol_t *c) {
    cache_free(c);
    for (Py_ssize_t i = 0; i < c->nchildren; i++) rcol_free(&c->children[i]);
    PyMem_Free(c->children);
    c->children = NULL;
    c->nchildren = 0;
}

static void views_release(views_t *v) {
    for (Py_ssize_t i = 0; i < v->n; i++) PyBuffer_Release(&v->views[i]);
    PyMem_Free(v->views);
    v->views = NULL;
    v->n = v->cap = 0;
}

/* the bytes of a pyarrow Buffer (kept until views_release), or NULL with an exception */
static const uint8_t *view_of(views_t *v, PyObject *obj, Py_ssize_t *len) {
    if (v->n == v->cap) {
        Py_ssize_t cap = v->cap ? v->cap * 2 : 16;
        if (cap > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(Py_buffer)) { PyErr_NoMemory(); return NULL; }
        Py_buffer *p = PyMem_Realloc(v->views, (size_t)cap * sizeof(Py_buffer));
        if (!p) { PyErr_NoMemory(); return NULL; }
        v->views = p;
        v->cap = cap;
    }
    if (PyObject_GetBuffer(obj, &v->views[v->n], PyBUF_SIMPLE) < 0) return NULL;
    Py_buffer *b = &v->views[v->n++];
    *len = b->len;
    /* (an empty buffer may have a NULL pointer: give a valid one, never read) */
    return b->buf ? (const uint8_t *)b->buf : (const uint8_t *)"";
}

static int long_of(PyObject *o, long *out) {
    *out = PyLong_AsLong(o);
    return (*out == -1 && PyErr_Occurred()) ? -1 : 0;
}

static int ssize_of(PyObject *o, Py_ssize_t *out) {
    *out = PyLong_AsSsize_t(o);
    return (*out == -1 && PyErr_Occurred()) ? -1 : 0;
}

static Py_ssize_t value_width(const rcol_t *c) {
    switch (c->kind) {
    case K_INT: case K_FLOAT: return c->a / 8;
    case K_DATE: return 4;
    case K_TIME: return c->a <= 1 ? 4 : 8;
    case K_TIMESTAMP: return 8;
    default: return 0;
    }
}

static int bind(PyObject *node, PyObject *data, rcol_t *c, views_t *v);

/* the fields of a plan node (the 7-tuple), checked */
static int bind_plan(PyObject *node, rcol_t *c) {
    if (!PyTuple_Check(node) || PyTuple_GET_SIZE(node) != 7) {
        PyErr_SetString(PyExc_TypeError, "plan node must be a 7-tuple");
        return -1;
    }
    long kind;
    if (long_of(PyTuple_GET_ITEM(node, 0), &kind) < 0) return -1;
    c->kind = (int)kind;
    int nullable = PyObject_IsTrue(PyTuple_GET_ITEM(node, 1));
    if (nullable < 0) return -1;
    c->nullable = nullable;
    if (ssize_of(PyTuple_GET_ITEM(node, 2), &c->slot) < 0) return -1;
    if (long_of(PyTuple_GET_ITEM(node, 3), &c->a) < 0) return -1;
    if (long_of(PyTuple_GET_ITEM(node, 4), &c->b) < 0) return -1;
    c->cls = PyTuple_GET_ITEM(node, 6);
    switch (c->kind) {
    case K_INT:
        if (c->a != 8 && c->a != 16 && c->a != 32 && c->a != 64) break;
        return 0;
    case K_FLOAT:
        if (c->a != 32 && c->a != 64) break;
        return 0;
    case K_TIME: case K_TIMESTAMP:
        if (c->a < 0 || c->a > 3) break;
        return 0;
    case K_BOOL: case K_STR: case K_BIN: case K_DATE: case K_LIST: case K_DEFAULT:
    case K_UNREAD:
        return 0;
    case K_STRUCT:
        if (!PyType_Check(c->cls)) break;
        return 0;
    }
    PyErr_SetString(PyExc_TypeError, "bad read plan node");
    return -1;
}

/* the array of a data node: sizes checked against what the kind reads */
static int bind_array(PyObject *data, rcol_t *c, views_t *v) {
    if (!PyTuple_Check(data) || PyTuple_GET_SIZE(data) != 7) {
        PyErr_SetString(PyExc_TypeError, "data node must be a 7-tuple");
        return -1;
    }
    Py_ssize_t nulls, len;
    if (ssize_of(PyTuple_GET_ITEM(data, 0), &c->length) < 0) return -1;
    if (ssize_of(PyTuple_GET_ITEM(data, 1), &c->off) < 0) return -1;
    if (ssize_of(PyTuple_GET_ITEM(data, 2), &nulls) < 0) return -1;
    if (c->length < 0 || c->off < 0 || c->off > PY_SSIZE_T_MAX / 16 - c->length)
        return rbail("bad array length or offset");
    Py_ssize_t end = c->off + c->length;   /* one past the last value */
    PyObject *validity = PyTuple_GET_ITEM(data, 3);
    if (nulls != 0) {
        if (validity == Py_None) return rbail("nulls without a validity bitmap");
        c->valid = view_of(v, validity, &len);
        if (!c->valid) return -1;
        if (len < (end + 7) / 8) return rbail("short validity bitmap");
    }
    PyObject *buf1 = PyTuple_GET_ITEM(data, 4), *buf2 = PyTuple_GET_ITEM(data, 5);
    switch (c->kind) {
    case K_STR: case K_BIN: case K_LIST:
        if (buf1 == Py_None) return rbail("no offsets");
        c->offs = view_of(v, buf1, &len);
        if (!c->offs) return -1;
        if (len / 4 < end + 1) return rbail("short offsets");
        if (c->kind == K_LIST) return 0;
        if (buf2 == Py_None) {
            c->data = (const uint8_t *)"";
            c->data_len = 0;
            return 0;
        }
        c->data = view_of(v, buf2, &c->data_len);
        return c->data ? 0 : -1;
    case K_BOOL:
        if (buf1 == Py_None) return rbail("no values");
        c->data = view_of(v, buf1, &c->data_len);
        if (!c->data) return -1;
        return c->data_len < (end + 7) / 8 ? rbail("short values") : 0;
    case K_STRUCT: case K_DEFAULT: case K_UNREAD:
        return 0;
    default:
        if (buf1 == Py_None) return rbail("no values");
        c->data = view_of(v, buf1, &c->data_len);
        if (!c->data) return -1;
        return c->data_len / value_width(c) < end ? rbail("short values") : 0;
    }
}

/* plan node + data node -> c (children too); c is zeroed first */
static int bind(PyObject *node, PyObject *data, rcol_t *c, views_t *v) {
    memset(c, 0, sizeof(*c));
    if (bind_plan(node, c) < 0) return -1;
    if (c->kind == K_DEFAULT || c->kind == K_UNREAD) return 0;
    if (bind_array(data, c, v) < 0) return -1;
    if (c->kind != K_LIST && c->kind != K_STRUCT) return 0;
    PyObject *kids = PyTuple_GET_ITEM(node, 5), *dkids = PyTuple_GET_ITEM(data, 6);
    if (!PyTuple_Check(kids) || !PyTuple_Check(dkids)
            || PyTuple_GET_SIZE(kids) != PyTuple_GET_SIZE(dkids)
            || (c->kind == K_LIST && PyTuple_GET_SIZE(kids) != 1)) {
        PyErr_SetString(PyExc_TypeError, "plan and data children do not match");
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(kids);
    c->children = PyMem_Calloc((size_t)(n ? n : 1), sizeof(rcol_t));
    if (!c->children) { PyErr_NoMemory(); return -1; }
    c->nchildren = n;
    for (Py_ssize_t i = 0; i < n; i++) {
        rcol_t *k = &c->children[i];
        if (bind(PyTuple_GET_ITEM(kids, i), PyTuple_GET_ITEM(dkids, i), k, v) < 0) return -1;
        /* a struct's children hold a value for each of its rows */
        if (c->kind == K_STRUCT && k->kind != K_DEFAULT && k->kind != K_UNREAD
                && k->length < c->length)
            return rbail("struct child shorter than the struct");
    }
    return 0;
}

/* ------------------------------------------------------------------ values */

static inline int bit(const uint8_t *bits, Py_ssize_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

/* year, month, day of days since 1970-01-01 (Howard Hinnant's civil_from_days) */
static void civil_from_days(int64_t z, int *y, int *m, int *d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

/* the days Python's date can hold (years 1..9999), relative to 1970-01-01 */
#define MIN_DAY (-719162)
#define MAX_DAY 2932896
#define US_PER_DAY INT64_C(86400000000)

static PyObject *new_date(int64_t days) {
    if (days < MIN_DAY || days > MAX_DAY) { rbail("date outside years 1..9999"); return NULL; }
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    return PyDateTimeAPI->Date_FromDate(y, m, d, PyDateTimeAPI->DateType);
}

/* Equal immutable values of one column share one object, as a small direct-mapped cache
   of the latest ones gives them (strs of up to CACHE_MAX_LEN ASCII bytes, dates): fewer
   objects, and far fewer for the garbage collector to visit in the lists holding them.
   A column whose values rarely repeat stops using it after CACHE_TRIAL lookups. */
static int cache_on(rcol_t *c) {
    if (c->lookups == CACHE_TRIAL && c->hits < CACHE_TRIAL / 4) {
        cache_free(c);
        c->lookups++;
    }
    if (c->lookups > CACHE_TRIAL) return c->cache != NULL;
    c->lookups++;
    if (!c->cache) {
        c->cache = PyMem_Calloc(CACHE_SIZE, sizeof(PyObject *));
        if (c->kind == K_DATE) c->cache_keys = PyMem_Calloc(CACHE_SIZE, sizeof(int32_t));
        if (!c->cache || (c->kind == K_DATE && !c->cache_keys)) {
            cache_free(c);   /* (no memory for a cache: go on without one) */
            c->lookups = CACHE_TRIAL + 1;
            return 0;
        }
    }
    return 1;
}

static PyObject *cached_date(rcol_t *c, int32_t days) {
    if (!cache_on(c)) return new_date(days);
    size_t slot = (uint32_t)days & (CACHE_SIZE - 1);
    PyObject *hit = c->cache[slot];
    if (hit && c->cache_keys[slot] == days) {
        c->hits++;
        return Py_NewRef(hit);
    }
    PyObject *v = new_date(days);
    if (!v) return NULL;
    Py_XSETREF(c->cache[slot], Py_NewRef(v));
    c->cache_keys[slot] = days;
    return v;
}

static int is_ascii(const uint8_t *p, Py_ssize_t n) {
    uint8_t any = 0;
    for (Py_ssize_t i = 0; i < n; i++) any |= p[i];
    return any < 0x80;
}

static PyObject *new_ascii(const uint8_t *p, Py_ssize_t n) {
    PyObject *s = PyUnicode_New(n, 127);
    if (!s) return NULL;
    memcpy(PyUnicode_1BYTE_DATA(s), p, (size_t)n);
    return s;
}

static PyObject *cached_str(rcol_t *c, const uint8_t *p, Py_ssize_t n) {
    if (n > CACHE_MAX_LEN || !is_ascii(p, n)) return NULL;   /* (no exception set) */
    if (!cache_on(c)) return new_ascii(p, n);
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    size_t slot = h & (CACHE_SIZE - 1);
    PyObject *hit = c->cache[slot];
    if (hit && PyUnicode_GET_LENGTH(hit) == n && memcmp(PyUnicode_1BYTE_DATA(hit), p, (size_t)n) == 0) {
        c->hits++;
        return Py_NewRef(hit);
    }
    PyObject *v = new_ascii(p, n);
    if (!v) return NULL;
    Py_XSETREF(c->cache[slot], Py_NewRef(v));
    return v;
}

/* microseconds of a `unit` value (0 s, 1 ms, 2 us, 3 ns), exactly, or bail */
static int to_micros(int64_t x, long unit, int64_t *us) {
    switch (unit) {
    case 0:
        if (x > INT64_MAX / 1000000 || x < INT64_MIN / 1000000) return rbail("range");
        *us = x * 1000000; return 0;
    case 1:
        if (x > INT64_MAX / 1000 || x < INT64_MIN / 1000) return rbail("range");
        *us = x * 1000; return 0;
    case 2: *us = x; return 0;
    default:
        if (x % 1000) return rbail("sub-microsecond digits");
        *us = x / 1000; return 0;
    }
}

static PyObject *get_time(const rcol_t *c, Py_ssize_t i) {
    int64_t x, us;
    if (c->a <= 1) {
        int32_t y;
        memcpy(&y, c->data + (c->off + i) * 4, 4);
        x = y;
    } else {
        memcpy(&x, c->data + (c->off + i) * 8, 8);
    }
    if (to_micros(x, c->a, &us) < 0) return NULL;
    if (us < 0 || us >= US_PER_DAY) { rbail("time of day out of range"); return NULL; }
    int64_t s = us / 1000000;
    return PyDateTimeAPI->Time_FromTime((int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60),
                                        (int)(us % 1000000), Py_None,
                                        PyDateTimeAPI->TimeType);
}

static PyObject *get_timestamp(const rcol_t *c, Py_ssize_t i) {
    int64_t x, us;
    memcpy(&x, c->data + (c->off + i) * 8, 8);
    if (to_micros(x, c->a, &us) < 0) return NULL;
    int64_t days = us / US_PER_DAY, rem = us % US_PER_DAY;
    if (rem < 0) { rem += US_PER_DAY; days -= 1; }
    if (days < MIN_DAY || days > MAX_DAY) { rbail("timestamp outside years 1..9999"); return NULL; }
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t s = rem / 1000000;
    PyObject *tz = c->b ? PyDateTime_TimeZone_UTC : Py_None;
    return PyDateTimeAPI->DateTime_FromDateAndTime(
        y, m, d, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60), (int)(rem % 1000000),
        tz, PyDateTimeAPI->DateTimeType);
}

static PyObject *get_int(const rcol_t *c, Py_ssize_t i) {
    const uint8_t *p = c->data + (c->off + i) * (c->a / 8);
    switch (c->a * 2 + (c->b != 0)) {
    case 17: { int8_t x; memcpy(&x, p, 1); return PyLong_FromLong(x); }
    case 16: { uint8_t x; memcpy(&x, p, 1); return PyLong_FromLong(x); }
    case 33: { int16_t x; memcpy(&x, p, 2); return PyLong_FromLong(x); }
    case 32: { uint16_t x; memcpy(&x, p, 2); return PyLong_FromLong(x); }
    case 65: { int32_t x; memcpy(&x, p, 4); return PyLong_FromLong(x); }
    case 64: { uint32_t x; memcpy(&x, p, 4); return PyLong_FromUnsignedLong(x); }
    case 129: { int64_t x; memcpy(&x, p, 8); return PyLong_FromLongLong(x); }
    default: { uint64_t x; memcpy(&x, p, 8); return PyLong_FromUnsignedLongLong(x); }
    }
}

static PyObject *get_float(const rcol_t *c, Py_ssize_t i) {
    if (c->a == 32) {
        float f;
        memcpy(&f, c->data + (c->off + i) * 4, 4);
        return PyFloat_FromDouble((double)f);
    }
    double d;
    memcpy(&d, c->data + (c->off + i) * 8, 8);
    return PyFloat_FromDouble(d);
}

/* [start, end) of value i of a column with offsets, checked against `limit` */
static int range_of(const rcol_t *c, Py_ssize_t i, Py_ssize_t limit, int32_t *s, int32_t *e) {
    memcpy(s, c->offs + (c->off + i) * 4, 4);
    memcpy(e, c->offs + (c->off + i + 1) * 4, 4);
    if (*s < 0 || *e < *s || *e > limit) return rbail("bad offsets");
    return 0;
}

static PyObject *get_bytes(rcol_t *c, Py_ssize_t i) {
    int32_t s, e;
    if (range_of(c, i, c->data_len, &s, &e) < 0) return NULL;
    const char *p = (const char *)c->data + s;
    if (c->kind == K_BIN) return PyBytes_FromStringAndSize(p, e - s);
    PyObject *out = cached_str(c, (const uint8_t *)p, e - s);
    if (out || PyErr_Occurred()) return out;
    out = PyUnicode_DecodeUTF8(p, e - s, NULL);
    if (!out && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
        PyErr_Clear();
        rbail("not UTF-8");
    }
    return out;
}

static PyObject *get_value(rcol_t *c, Py_ssize_t i);

static PyObject *get_list(rcol_t *c, Py_ssize_t i) {
    rcol_t *item = &c->children[0];
    int32_t s, e;
    if (range_of(c, i, item->length, &s, &e) < 0) return NULL;
    PyObject *out = PyList_New(e - s);
    if (!out) return NULL;
    for (int32_t j = s; j < e; j++) {
        PyObject *v = get_value(item, j);
        if (!v) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, j - s, v);
    }
    c->consumed += e - s;
    return out;
}

static PyObject *get_record(rcol_t *c, Py_ssize_t i) {
    PyTypeObject *tp = (PyTypeObject *)c->cls;
    PyObject *obj = tp->tp_alloc(tp, 0);
    if (!obj) return NULL;
    for (Py_ssize_t k = 0; k < c->nchildren; k++) {
        rcol_t *f = &c->children[k];
        PyObject *v;
        if (f->kind == K_UNREAD) continue;   /* the slot stays unset */
        if (f->kind == K_DEFAULT) {
            /* (may run Python code: obj is ours alone, its unset slots NULL) */
            v = f->a ? PyObject_CallNoArgs(f->cls) : Py_NewRef(f->cls);
        } else {
            v = get_value(f, i);
        }
        if (!v) { Py_DECREF(obj); return NULL; }
        PyObject **slot = (PyObject **)((char *)obj + f->slot);
        Py_XSETREF(*slot, v);
    }
    return obj;
}

static PyObject *get_value(rcol_t *c, Py_ssize_t i) {
    if (c->valid && !bit(c->valid, c->off + i)) {
        if (!c->nullable) { rbail("null in a required field"); return NULL; }
        Py_RETURN_NONE;
    }
    switch (c->kind) {
    case K_INT: return get_int(c, i);
    case K_FLOAT: return get_float(c, i);
    case K_BOOL: return Py_NewRef(bit(c->data, c->off + i) ? Py_True : Py_False);
    case K_STR: case K_BIN: return get_bytes(c, i);
    case K_DATE: {
        int32_t days;
        memcpy(&days, c->data + (c->off + i) * 4, 4);
        return cached_date(c, days);
    }
    case K_TIME: return get_time(c, i);
    case K_TIMESTAMP: return get_timestamp(c, i);
    case K_LIST: return get_list(c, i);
    case K_STRUCT: return get_record(c, i);
    }
    rbail("unknown kind");
    return NULL;
}

/* The pure-Python reader converts every value of a list's values in the range its rows
   span, whether a row it keeps refers to them or not (a null list spanning values, a list
   under a null record).  [lo, hi) are the rows of c in that range: every value a list
   spans there must have been visited (and so checked). */
static int all_visited(const rcol_t *c, Py_ssize_t lo, Py_ssize_t hi) {
    if (c->kind == K_LIST) {
        int32_t s, e;
        memcpy(&s, c->offs + (c->off + lo) * 4, 4);
        memcpy(&e, c->offs + (c->off + hi) * 4, 4);
        if (s < 0 || e < s || e > c->children[0].length) return rbail("bad offsets");
        if ((Py_ssize_t)e - s != c->consumed) return rbail("values no visited row refers to");
        return all_visited(&c->children[0], s, e);
    }
    for (Py_ssize_t k = 0; k < c->nchildren; k++)
        if (c->children[k].kind != K_DEFAULT && c->children[k].kind != K_UNREAD
                && all_visited(&c->children[k], lo, hi) < 0)
            return -1;
    return 0;
}

PyObject *sg_read(PyObject *self, PyObject *args) {
    PyObject *plan, *data;
    if (!PyArg_ParseTuple(args, "O!O!", &PyTuple_Type, &plan, &PyTuple_Type, &data)) return NULL;
    views_t views = {0};
    rcol_t root;
    PyObject *out = NULL;
    if (bind(plan, data, &root, &views) < 0) goto done;
    if (root.kind != K_STRUCT || root.valid) {
        PyErr_SetString(PyExc_TypeError, "the root of a read plan is a struct without nulls");
        goto done;
    }
    if (!(out = PyList_New(root.length))) goto done;
    for (Py_ssize_t i = 0; i < root.length; i++) {
        PyObject *r = get_record(&root, i);
        if (!r) { Py_CLEAR(out); goto done; }
        PyList_SET_ITEM(out, i, r);
    }
    if (all_visited(&root, 0, root.length) < 0) Py_CLEAR(out);
done:
    rcol_free(&root);
    views_release(&views);
    return out;
}

int sg_read_init(void) {
    PyDateTime_IMPORT;
    return PyDateTimeAPI ? 0 : -1;
}

/* unset(records, members, cls): the generated reader's records of a projected read made
   what read() builds.  Every record (exactly of cls's base class) has the slots of
   `members` (member descriptors of that base) cleared and its class set to cls, a
   subclass of the same layout (the projection's partial class), as `__class__`
   assignment would.  Everything is checked before the first record is changed. */
PyObject *sg_unset(PyObject *self, PyObject *args) {
    PyObject *records, *members;
    PyTypeObject *cls;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyList_Type, &records, &PyTuple_Type, &members,
                          &PyType_Type, &cls))
        return NULL;
    PyTypeObject *base = cls->tp_base;
    if (!base || !(cls->tp_flags & Py_TPFLAGS_HEAPTYPE) || !(base->tp_flags & Py_TPFLAGS_HEAPTYPE)
            || cls->tp_basicsize != base->tp_basicsize || cls->tp_itemsize || base->tp_itemsize
            || cls->tp_dealloc != base->tp_dealloc) {
        PyErr_SetString(PyExc_TypeError, "unset: cls is not a subclass of its base's layout");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(members);
    Py_ssize_t *offs = PyMem_Calloc((size_t)(n ? n : 1), sizeof(Py_ssize_t));
    if (!offs) return PyErr_NoMemory();
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *d = PyTuple_GET_ITEM(members, k);
        PyMemberDef *m = Py_IS_TYPE(d, &PyMemberDescr_Type)
            ? ((PyMemberDescrObject *)d)->d_member : NULL;
        if (!m || ((PyDescrObject *)d)->d_type != base || m->type != T_OBJECT_EX
                || m->offset < (Py_ssize_t)sizeof(PyObject)
                || m->offset > base->tp_basicsize - (Py_ssize_t)sizeof(PyObject *)) {
            PyMem_Free(offs);
            PyErr_SetString(PyExc_TypeError, "unset: not an object slot of the base class");
            return NULL;
        }
        offs[k] = m->offset;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(records); i++)
        if (Py_TYPE(PyList_GET_ITEM(records, i)) != base) {
            PyMem_Free(offs);
            PyErr_SetString(PyExc_TypeError, "unset: a record not of the base class");
            return NULL;
        }
    /* (clearing a slot may run Python code: the list is re-read, each record held) */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(records); i++) {
        PyObject *r = Py_NewRef(PyList_GET_ITEM(records, i));
        if (Py_TYPE(r) == base) {
            for (Py_ssize_t k = 0; k < n; k++) Py_CLEAR(*(PyObject **)((char *)r + offs[k]));
            Py_INCREF(cls);
            Py_SET_TYPE(r, cls);
            Py_DECREF(base);
        }
        Py_DECREF(r);
    }
    PyMem_Free(offs);
    Py_RETURN_NONE;
}
