/*
 * What the translation units of schemagen.runtime.native._columns share.
 */
#ifndef SCHEMAGEN_COLUMNS_H
#define SCHEMAGEN_COLUMNS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* plan node kinds (the same numbers as schemagen/runtime/native/__init__.py) */
enum kind {
    K_INT = 1, K_FLOAT = 2, K_BOOL = 3, K_STR = 4, K_BIN = 5, K_DATE = 6,
    K_TIMESTAMP = 7, K_TIME = 8,
    K_FIXED = 9,     /* write plans: fixed_size_binary(a): exact bytes of length a */
    K_UUID = 12,     /* write plans: arrow.uuid storage (16 bytes, big-endian) of an exact cls */
    K_LIST = 10, K_STRUCT = 11,
    K_DEFAULT = 20,  /* read plans: a field the batch lacks (its default value or factory) */
    K_UNREAD = 21    /* read plans (ABI 2): a field a projection does not read (slot left unset) */
};

/* raised when the pure-Python converters must decide (defined in _columns.c) */
extern PyObject *sg_Bail;

/* _read.c: the datetime C API of that unit (0, or -1 with an exception set) */
int sg_read_init(void);

/* _read.c: read(plan, data) -> list of records, or raise Bail */
PyObject *sg_read(PyObject *self, PyObject *args);

/* _read.c: unset(records, members, cls): slots cleared, class set (projected reads) */
PyObject *sg_unset(PyObject *self, PyObject *args);

#endif
