/*
 * schemagen.runtime.native._columns: Arrow column buffers built straight from the slots
 * of generated record objects (the native accelerator of the generated writers).
 *
 * The contract is the happy path only.  build(records, plan) either returns the buffers
 * of every column, or raises Bail (a value the pure-Python converters must judge: a type
 * they may accept or reject, a None in a required field, a value out of range...).  The
 * caller then runs the generated pure-Python writer on the same batch, so errors, and
 * every value this module does not take, behave exactly as without it.
 *
 * Plans are tuples built once per record class (schemagen/runtime/native/__init__.py):
 *   node = (kind, nullable, slot_offset, a, b, child_or_children, cls)
 * slot_offset is the byte offset of the field's slot in the record object (-1 for list
 * items, which come from the list).  Values are read through that offset after an exact
 * type check of the record, and kept alive with a strong reference while in use, so a
 * record changed by another thread during a conversion cannot free a value under us.
 *
 * Column results (nested the same way as the plan):
 *   (length, null_count, validity: bytes|None, data: bytes|None, offsets: bytes|None,
 *    children: tuple|None)
 */
#include "_columns.h"
#include <datetime.h>
#include <structmember.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

PyObject *sg_Bail;   /* raised when the pure-Python converters must decide */

/* ------------------------------------------------------------------ growable buffer */

typedef struct { char *p; Py_ssize_t len, cap; } buf_t;

static inline int buf_reserve(buf_t *b, Py_ssize_t extra) {
    if (b->len + extra <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra) {
        if (cap > PY_SSIZE_T_MAX / 2) { PyErr_NoMemory(); return -1; }
        cap *= 2;
    }
    char *p = PyMem_Realloc(b->p, (size_t)cap);
    if (!p) { PyErr_NoMemory(); return -1; }
    b->p = p; b->cap = cap;
    return 0;
}

static inline int buf_put(buf_t *b, const void *src, Py_ssize_t n) {
    if (n == 0) return 0;   /* (memcpy into a still-NULL buffer is undefined, even of 0 bytes) */
    if (buf_reserve(b, n) < 0) return -1;
    memcpy(b->p + b->len, src, (size_t)n);
    b->len += n;
    return 0;
}

static void buf_free(buf_t *b) { PyMem_Free(b->p); b->p = NULL; b->len = b->cap = 0; }

static PyObject *buf_bytes(buf_t *b) { return PyBytes_FromStringAndSize(b->p ? b->p : "", b->len); }

/* ------------------------------------------------------------------ a column being built */

typedef struct col col_t;
struct col {
    int kind, nullable;
    int trunc;                  /* K_TIME, K_TIMESTAMP: floor digits finer than the unit */
    Py_ssize_t offset;          /* slot offset in the record, -1 for list items */
    long a, b;                  /* kind parameters (see plan_node) */
    PyObject *cls;              /* K_STRUCT: the exact record class (borrowed from the plan) */
    Py_ssize_t length, nulls;
    buf_t valid;                /* one byte per value while building, packed at the end */
    buf_t data;
    buf_t offsets;              /* int32 offsets (K_STR, K_BIN, K_LIST) */
    int32_t end;                /* last offset */
    col_t *children;
    Py_ssize_t nchildren;
};

static void col_free(col_t *c) {
    for (Py_ssize_t i = 0; i < c->nchildren; i++) col_free(&c->children[i]);
    PyMem_Free(c->children);
    buf_free(&c->valid); buf_free(&c->data); buf_free(&c->offsets);
}

static int bail(const char *why) { PyErr_SetString(sg_Bail, why); return -1; }

static int plan_node(PyObject *node, col_t *c, int trunc) {
    memset(c, 0, sizeof(*c));
    c->trunc = trunc;
    if (!PyTuple_Check(node) || PyTuple_GET_SIZE(node) != 7) {
        PyErr_SetString(PyExc_TypeError, "plan node must be a 7-tuple");
        return -1;
    }
    c->kind = (int)PyLong_AsLong(PyTuple_GET_ITEM(node, 0));
    c->nullable = PyObject_IsTrue(PyTuple_GET_ITEM(node, 1));
    c->offset = PyLong_AsSsize_t(PyTuple_GET_ITEM(node, 2));
    c->a = PyLong_AsLong(PyTuple_GET_ITEM(node, 3));
    c->b = PyLong_AsLong(PyTuple_GET_ITEM(node, 4));
    if (PyErr_Occurred()) return -1;
    if (c->kind == K_FIXED && (c->a <= 0 || c->a > INT32_MAX)) {
        PyErr_SetString(PyExc_TypeError, "a fixed node has a positive width");
        return -1;
    }
    if (c->kind == K_UUID) {
        if (c->a != 16 || !PyType_Check(PyTuple_GET_ITEM(node, 6))) {
            PyErr_SetString(PyExc_TypeError, "a uuid node is 16 wide and names uuid.UUID");
            return -1;
        }
        c->cls = PyTuple_GET_ITEM(node, 6);
    }
    PyObject *kids = PyTuple_GET_ITEM(node, 5);
    PyObject *cls = PyTuple_GET_ITEM(node, 6);
    if (c->kind == K_LIST || c->kind == K_STRUCT) {
        if (!PyTuple_Check(kids)) {
            PyErr_SetString(PyExc_TypeError, "plan children must be a tuple");
            return -1;
        }
        c->nchildren = PyTuple_GET_SIZE(kids);
        c->children = PyMem_Calloc((size_t)(c->nchildren ? c->nchildren : 1), sizeof(col_t));
        if (!c->children) { PyErr_NoMemory(); return -1; }
        for (Py_ssize_t i = 0; i < c->nchildren; i++)
            if (plan_node(PyTuple_GET_ITEM(kids, i), &c->children[i], trunc) < 0) return -1;
        if (c->kind == K_LIST && c->nchildren != 1) {
            PyErr_SetString(PyExc_TypeError, "a list node has one child");
            return -1;
        }
        if (c->kind == K_STRUCT) {
            if (!PyType_Check(cls)) {
                PyErr_SetString(PyExc_TypeError, "a struct node names its record class");
                return -1;
            }
            c->cls = cls;
        }
    }
    if (c->kind == K_STR || c->kind == K_BIN || c->kind == K_LIST) {
        int32_t zero = 0;
        if (buf_put(&c->offsets, &zero, 4) < 0) return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ values */

static int put_null(col_t *c);

/* days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}


/* floor(a / d) for d > 0 (C's division truncates toward zero) */
static int64_t floor_div(int64_t a, int64_t d) {
    int64_t q = a / d;
    return (a % d != 0 && a < 0) ? q - 1 : q;
}

/* a whole number of `unit` (0 s, 1 ms, 2 us, 3 ns) from microseconds, or bail; with
   `trunc`, digits finer than the unit are floored away (toward the past) */
static int from_micros(int64_t us, long unit, int trunc, int64_t *out) {
    switch (unit) {
    case 0:
        if (us % 1000000 && !trunc) return bail("sub-second digits");
        *out = floor_div(us, 1000000); return 0;
    case 1:
        if (us % 1000 && !trunc) return bail("sub-millisecond digits");
        *out = floor_div(us, 1000); return 0;
    case 2: *out = us; return 0;
    case 3:
        if (us > INT64_MAX / 1000 || us < INT64_MIN / 1000) return bail("out of range for ns");
        *out = us * 1000; return 0;
    }
    return bail("unknown unit");
}

static int put_fixed(col_t *c, const void *v, Py_ssize_t width) {
    return buf_put(&c->data, v, width);
}

static int put_int(col_t *c, PyObject *v) {
    if (!PyLong_CheckExact(v)) return bail("not an exact int");
    long bits = c->a, is_signed = c->b;
    if (!is_signed && bits == 64) {
        unsigned long long u = PyLong_AsUnsignedLongLong(v);
        if (u == (unsigned long long)-1 && PyErr_Occurred()) { PyErr_Clear(); return bail("range"); }
        return put_fixed(c, &u, 8);
    }
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (overflow || (x == -1 && PyErr_Occurred())) { PyErr_Clear(); return bail("range"); }
    if (is_signed) {
        long long lo = bits == 64 ? INT64_MIN : -(1LL << (bits - 1));
        long long hi = bits == 64 ? INT64_MAX : (1LL << (bits - 1)) - 1;
        if (x < lo || x > hi) return bail("range");
    } else if (x < 0 || (bits < 64 && x > (long long)((1ULL << bits) - 1))) {
        return bail("range");
    }
    switch (bits) {
    case 8: { int8_t y = (int8_t)x; return put_fixed(c, &y, 1); }
    case 16: { int16_t y = (int16_t)x; return put_fixed(c, &y, 2); }
    case 32: { int32_t y = (int32_t)x; return put_fixed(c, &y, 4); }
    default: { int64_t y = (int64_t)x; return put_fixed(c, &y, 8); }
    }
}

static int put_float(col_t *c, PyObject *v) {
    if (!PyFloat_CheckExact(v)) return bail("not an exact float");
    double d = PyFloat_AS_DOUBLE(v);
    if (c->a == 32) {
        float f = (float)d;
        if (isinf(f) && !isinf(d)) return bail("float32 range");
        return put_fixed(c, &f, 4);
    }
    return put_fixed(c, &d, 8);
}

static int put_bool(col_t *c, PyObject *v) {
    if (v != Py_True && v != Py_False) return bail("not a bool");
    uint8_t b = v == Py_True;
    return put_fixed(c, &b, 1);   /* one byte per value, packed at the end */
}

static int put_bytes_value(col_t *c, const char *p, Py_ssize_t n) {
    if (n > INT32_MAX - c->end) return bail("offsets beyond int32");
    if (buf_put(&c->data, p, n) < 0) return -1;
    c->end += (int32_t)n;
    return buf_put(&c->offsets, &c->end, 4);
}

static int put_str(col_t *c, PyObject *v) {
    if (!PyUnicode_CheckExact(v)) return bail("not an exact str");
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(v, &n);
    if (!p) { PyErr_Clear(); return bail("not UTF-8 encodable"); }
    return put_bytes_value(c, p, n);
}

static int put_bin(col_t *c, PyObject *v) {
    if (!PyBytes_CheckExact(v)) return bail("not exact bytes");
    return put_bytes_value(c, PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v));
}

static int put_fixed_bytes(col_t *c, PyObject *v) {
    if (!PyBytes_CheckExact(v)) return bail("not exact bytes");
    if (PyBytes_GET_SIZE(v) != c->a) return bail("not of the fixed length");
    return buf_put(&c->data, PyBytes_AS_STRING(v), c->a);
}

/* an exact uuid.UUID (the plan's class): its 128-bit `int` slot, big-endian (UUID.bytes) */
static int put_uuid(col_t *c, PyObject *v) {
    if ((PyObject *)Py_TYPE(v) != c->cls) return bail("not an exact uuid.UUID");
    PyObject *n = PyObject_GetAttrString(v, "int");
    if (!n) { PyErr_Clear(); return bail("uuid without int"); }
    if (!PyLong_CheckExact(n)) { Py_DECREF(n); return bail("odd uuid int"); }  /* (negative: hi bails) */
    PyObject *sixty_four = PyLong_FromLong(64);
    PyObject *hi_obj = sixty_four ? PyNumber_Rshift(n, sixty_four) : NULL;
    Py_XDECREF(sixty_four);
    unsigned long long lo = PyLong_AsUnsignedLongLongMask(n);
    Py_DECREF(n);
    if (!hi_obj) return -1;
    if (lo == (unsigned long long)-1 && PyErr_Occurred()) { Py_DECREF(hi_obj); return -1; }
    unsigned long long hi = PyLong_AsUnsignedLongLong(hi_obj);
    Py_DECREF(hi_obj);
    if (hi == (unsigned long long)-1 && PyErr_Occurred()) { PyErr_Clear(); return bail("uuid int range"); }
    uint8_t out[16];
    for (int i = 0; i < 8; i++) {
        out[7 - i] = (uint8_t)(hi >> (8 * i));
        out[15 - i] = (uint8_t)(lo >> (8 * i));
    }
    return buf_put(&c->data, out, 16);
}

static int put_date(col_t *c, PyObject *v) {
    if (!PyDate_CheckExact(v)) return bail("not an exact date");
    int64_t days = days_from_civil(PyDateTime_GET_YEAR(v), PyDateTime_GET_MONTH(v),
                                   PyDateTime_GET_DAY(v));
    int32_t d = (int32_t)days;
    return put_fixed(c, &d, 4);
}

static int put_time(col_t *c, PyObject *v) {
    if (!PyTime_CheckExact(v)) return bail("not an exact time");
    if (PyDateTime_TIME_GET_TZINFO(v) != Py_None) return bail("aware time");
    int64_t us = ((int64_t)PyDateTime_TIME_GET_HOUR(v) * 3600 +
                  PyDateTime_TIME_GET_MINUTE(v) * 60 + PyDateTime_TIME_GET_SECOND(v)) * 1000000
                 + PyDateTime_TIME_GET_MICROSECOND(v);
    int64_t x;
    if (from_micros(us, c->a, c->trunc, &x) < 0) return -1;
    if (c->a <= 1) { int32_t y = (int32_t)x; return put_fixed(c, &y, 4); }
    return put_fixed(c, &x, 8);
}

static int put_timestamp(col_t *c, PyObject *v) {
    if (!PyDateTime_CheckExact(v)) return bail("not an exact datetime");
    PyObject *tz = PyDateTime_DATE_GET_TZINFO(v);
    int utc = (int)c->b;
    if ((tz == Py_None) == utc) return bail("naive/aware mismatch");
    int64_t days = days_from_civil(PyDateTime_GET_YEAR(v), PyDateTime_GET_MONTH(v),
                                   PyDateTime_GET_DAY(v));
    int64_t secs = days * 86400 + PyDateTime_DATE_GET_HOUR(v) * 3600 +
                   PyDateTime_DATE_GET_MINUTE(v) * 60 + PyDateTime_DATE_GET_SECOND(v);
    if (tz != Py_None && tz != PyDateTime_TimeZone_UTC) {
        PyObject *off = PyObject_CallMethod(v, "utcoffset", NULL);
        if (!off) { PyErr_Clear(); return bail("utcoffset failed"); }
        if (!PyDelta_CheckExact(off) || PyDateTime_DELTA_GET_MICROSECONDS(off)) {
            Py_DECREF(off);
            return bail("unusual utcoffset");
        }
        secs -= (int64_t)PyDateTime_DELTA_GET_DAYS(off) * 86400 + PyDateTime_DELTA_GET_SECONDS(off);
        Py_DECREF(off);
    }
    int64_t us = secs * 1000000 + PyDateTime_DATE_GET_MICROSECOND(v), x;
    if (from_micros(us, c->a, c->trunc, &x) < 0) return -1;
    return put_fixed(c, &x, 8);
}

static int put_value(col_t *c, PyObject *v);

static int put_list(col_t *c, PyObject *v) {
    if (!PyList_CheckExact(v)) return bail("not an exact list");
    Py_ssize_t n = PyList_GET_SIZE(v);
    if (n > INT32_MAX - c->end) return bail("offsets beyond int32");
    /* hold the list: an item's conversion may run Python code (utcoffset) */
    Py_INCREF(v);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(v) && i < n; i++) {
        PyObject *item = PyList_GET_ITEM(v, i);
        Py_INCREF(item);
        int r = put_value(&c->children[0], item);
        Py_DECREF(item);
        if (r < 0) { Py_DECREF(v); return -1; }
    }
    if (PyList_GET_SIZE(v) != n) { Py_DECREF(v); return bail("list changed during conversion"); }
    Py_DECREF(v);
    c->end += (int32_t)n;
    return buf_put(&c->offsets, &c->end, 4);
}

static int put_struct(col_t *c, PyObject *obj);

static int put_value(col_t *c, PyObject *v) {
    if (v == Py_None) return c->nullable ? put_null(c) : bail("None in a required field");
    int r;
    switch (c->kind) {
    case K_INT: r = put_int(c, v); break;
    case K_FLOAT: r = put_float(c, v); break;
    case K_BOOL: r = put_bool(c, v); break;
    case K_STR: r = put_str(c, v); break;
    case K_BIN: r = put_bin(c, v); break;
    case K_FIXED: r = put_fixed_bytes(c, v); break;
    case K_UUID: r = put_uuid(c, v); break;
    case K_DATE: r = put_date(c, v); break;
    case K_TIME: r = put_time(c, v); break;
    case K_TIMESTAMP: r = put_timestamp(c, v); break;
    case K_LIST: r = put_list(c, v); break;
    case K_STRUCT: r = put_struct(c, v); break;
    default: return bail("unknown kind");
    }
    if (r < 0) return -1;
    c->length++;
    if (!c->nullable) return 0;   /* a required column never holds a null: no validity */
    uint8_t one = 1;
    return buf_put(&c->valid, &one, 1);
}

static const uint8_t ZEROS[16] = {0};

/* bytes per value of a fixed-width kind */
static Py_ssize_t fixed_width(const col_t *c) {
    switch (c->kind) {
    case K_INT: case K_FLOAT: return c->a / 8;
    case K_DATE: return 4;
    case K_TIME: return c->a <= 1 ? 4 : 8;
    case K_BOOL: return 1;   /* one byte per value, packed at the end */
    default: return 8;       /* K_TIMESTAMP */
    }
}

static int put_placeholder(col_t *c);

/* the storage of one value slot, without its validity: zeros, an empty string or list,
   placeholders in every field of a record */
static int put_slot(col_t *c) {
    switch (c->kind) {
    case K_INT: case K_FLOAT: case K_DATE: case K_TIME: case K_TIMESTAMP: case K_BOOL:
        return put_fixed(c, ZEROS, fixed_width(c));
    case K_STR: case K_BIN: case K_LIST:
        return buf_put(&c->offsets, &c->end, 4);
    case K_FIXED: case K_UUID:
        if (buf_reserve(&c->data, c->a) < 0) return -1;
        memset(c->data.p + c->data.len, 0, (size_t)c->a);
        c->data.len += c->a;
        return 0;
    case K_STRUCT:
        for (Py_ssize_t i = 0; i < c->nchildren; i++)
            if (put_placeholder(&c->children[i]) < 0) return -1;
        return 0;
    }
    return bail("unknown kind");
}

static int put_null(col_t *c) {
    if (put_slot(c) < 0) return -1;
    uint8_t zero = 0;
    c->length++;
    c->nulls++;
    return buf_put(&c->valid, &zero, 1);
}

/* a field of a null record: null where the field may be null, else a valid zero value
   (Arrow refuses nulls in a non-nullable column, even under a null parent) */
static int put_placeholder(col_t *c) {
    if (c->nullable) return put_null(c);
    if (put_slot(c) < 0) return -1;
    c->length++;
    return 0;   /* a required column never holds a null: it keeps no validity */
}

static int put_struct(col_t *c, PyObject *obj) {
    if ((PyObject *)Py_TYPE(obj) != c->cls) return bail("not the exact record class");
    for (Py_ssize_t i = 0; i < c->nchildren; i++) {
        col_t *k = &c->children[i];
        PyObject *v = *(PyObject **)((char *)obj + k->offset);
        if (!v) return bail("unset slot");
        Py_INCREF(v);
        int r = put_value(k, v);
        Py_DECREF(v);
        if (r < 0) return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ results */

static PyObject *packed_validity(col_t *c) {
    if (c->nulls == 0) Py_RETURN_NONE;
    Py_ssize_t n = (c->length + 7) / 8;
    PyObject *out = PyBytes_FromStringAndSize(NULL, n);
    if (!out) return NULL;
    uint8_t *bits = (uint8_t *)PyBytes_AS_STRING(out);
    memset(bits, 0, (size_t)n);
    const uint8_t *v = (const uint8_t *)c->valid.p;
    for (Py_ssize_t i = 0; i < c->length; i++)
        if (v[i]) bits[i >> 3] |= (uint8_t)(1u << (i & 7));
    return out;
}

static PyObject *packed_bools(col_t *c) {
    Py_ssize_t n = (c->length + 7) / 8;
    PyObject *out = PyBytes_FromStringAndSize(NULL, n ? n : 1);
    if (!out) return NULL;
    uint8_t *bits = (uint8_t *)PyBytes_AS_STRING(out);
    memset(bits, 0, (size_t)(n ? n : 1));
    const uint8_t *v = (const uint8_t *)c->data.p;
    for (Py_ssize_t i = 0; i < c->length; i++)
        if (v[i]) bits[i >> 3] |= (uint8_t)(1u << (i & 7));
    return out;
}

static PyObject *result(col_t *c) {
    PyObject *validity = NULL, *data = NULL, *offsets = NULL, *children = NULL, *out = NULL;
    if (!(validity = packed_validity(c))) goto done;
    if (c->kind == K_BOOL) data = packed_bools(c);
    else if (c->kind == K_LIST || c->kind == K_STRUCT) { data = Py_None; Py_INCREF(data); }
    else data = buf_bytes(&c->data);
    if (!data) goto done;
    if (c->kind == K_STR || c->kind == K_BIN || c->kind == K_LIST) offsets = buf_bytes(&c->offsets);
    else { offsets = Py_None; Py_INCREF(offsets); }
    if (!offsets) goto done;
    if (c->nchildren || c->kind == K_STRUCT) {
        if (!(children = PyTuple_New(c->nchildren))) goto done;
        for (Py_ssize_t i = 0; i < c->nchildren; i++) {
            PyObject *r = result(&c->children[i]);
            if (!r) goto done;
            PyTuple_SET_ITEM(children, i, r);
        }
    } else { children = Py_None; Py_INCREF(children); }
    out = Py_BuildValue("(nnOOOO)", c->length, c->nulls, validity, data, offsets, children);
done:
    Py_XDECREF(validity); Py_XDECREF(data); Py_XDECREF(offsets); Py_XDECREF(children);
    return out;
}

/* build(records: list, root: plan node of kind K_STRUCT, truncate_time: bool = False)
   -> tuple of column results */
static PyObject *build(PyObject *self, PyObject *args) {
    PyObject *records, *root;
    int trunc = 0;
    if (!PyArg_ParseTuple(args, "O!O|p", &PyList_Type, &records, &root, &trunc)) return NULL;
    col_t top;
    if (plan_node(root, &top, trunc) < 0) { col_free(&top); return NULL; }
    if (top.kind != K_STRUCT) {
        col_free(&top);
        PyErr_SetString(PyExc_TypeError, "the root plan node is a struct");
        return NULL;
    }
    PyObject *out = NULL;
    Py_INCREF(records);
    Py_ssize_t n = PyList_GET_SIZE(records);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyList_GET_SIZE(records) != n) { bail("records changed during conversion"); goto done; }
        PyObject *r = PyList_GET_ITEM(records, i);
        Py_INCREF(r);
        int rc = r == Py_None ? bail("None record") : put_struct(&top, r);
        Py_DECREF(r);
        if (rc < 0) goto done;
    }
    out = PyTuple_New(top.nchildren);
    if (!out) goto done;
    for (Py_ssize_t i = 0; i < top.nchildren; i++) {
        PyObject *c = result(&top.children[i]);
        if (!c) { Py_CLEAR(out); goto done; }
        PyTuple_SET_ITEM(out, i, c);
    }
done:
    Py_DECREF(records);
    col_free(&top);
    return out;
}

/* slot_offset(member_descriptor) -> the byte offset of a __slots__ member */
static PyObject *slot_offset(PyObject *self, PyObject *descr) {
    if (!Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyErr_SetString(PyExc_TypeError, "not a member descriptor");
        return NULL;
    }
    PyMemberDef *m = ((PyMemberDescrObject *)descr)->d_member;
    if (m->type != T_OBJECT_EX) {
        PyErr_SetString(PyExc_TypeError, "not an object slot");
        return NULL;
    }
    return PyLong_FromSsize_t(m->offset);
}

static PyMethodDef methods[] = {
    {"build", build, METH_VARARGS,
     "build(records, plan, truncate_time=False) -> column buffers, or raise Bail for the "
     "pure-Python path"},
    {"read", sg_read, METH_VARARGS,
     "read(plan, data) -> list of records built from Arrow buffers, or raise Bail"},
    {"slot_offset", slot_offset, METH_O, "byte offset of a __slots__ member descriptor"},
    {"unset", sg_unset, METH_VARARGS,
     "unset(records, members, cls): the members' slots cleared, each record's class set"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_columns",
    "Arrow column buffers from generated records (schemagen's native accelerator)", -1, methods,
};

PyMODINIT_FUNC PyInit__columns(void) {
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    if (sg_read_init() < 0) { Py_DECREF(m); return NULL; }
    sg_Bail = PyErr_NewException("schemagen.runtime.native._columns.Bail", NULL, NULL);
    if (!sg_Bail || PyModule_AddObjectRef(m, "Bail", sg_Bail) < 0) { Py_DECREF(m); return NULL; }
    if (PyModule_AddIntConstant(m, "ABI", 2) < 0) { Py_DECREF(m); return NULL; }
    return m;
}
