/*
 * wharf_native: the few Linux system calls wharf needs that Node.js does not offer.
 *
 * mknod, lsetxattr, lgetxattr, llistxattr, flock, mount, umount2, syncfs. Every function is synchronous and maps
 * one-to-one onto its system call; failures throw an Error shaped like Node's own fs errors (code 'EPERM',
 * errno -1, syscall 'mknod', path '/x'). Policy lives in TypeScript (src/os/native/native.ts), not here.
 *
 * Written against Node-API only, and registered with NAPI_MODULE_INIT (no global state), so the addon loads in
 * worker threads as well as on the main thread.
 */
#define _GNU_SOURCE
#include <node_api.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Upper bounds for strings crossing from JavaScript: paths (PATH_MAX), xattr names (XATTR_NAME_MAX + 1) and
 * mount data (the kernel copies at most one page, but allow more so the kernel, not we, reports the error). */
#define MAX_PATH_BYTES 4096
#define MAX_NAME_BYTES 256
#define MAX_DATA_BYTES 65536
/* XATTR_SIZE_MAX and XATTR_LIST_MAX of linux/limits.h: no xattr value or name list is larger. */
#define MAX_XATTR_BYTES 65536

/* CHECK bails out of the calling function (returning NULL, i.e. "exception pending") on any napi failure. */
#define CHECK(call)                                                                                                \
  do {                                                                                                             \
    if ((call) != napi_ok) {                                                                                       \
      throw_napi_failure(env);                                                                                     \
      return NULL;                                                                                                 \
    }                                                                                                              \
  } while (0)

static void throw_napi_failure(napi_env env) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return;
  const napi_extended_error_info *info = NULL;
  const char *msg = "wharf_native: Node-API call failed";
  if (napi_get_last_error_info(env, &info) == napi_ok && info != NULL && info->error_message != NULL) {
    msg = info->error_message;
  }
  napi_throw_error(env, "ERR_WHARF_NATIVE", msg);
}

static const char *errno_name(int err, char *fallback, size_t size) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *name = strerrorname_np(err);
  if (name != NULL) return name;
#endif
  snprintf(fallback, size, "E%d", err);
  return fallback;
}

static bool set_string_prop(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value v;
  return napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v) == napi_ok &&
         napi_set_named_property(env, obj, key, v) == napi_ok;
}

/* throw_errno throws `CODE: description, syscall 'path'` with code, errno (negative, as Node), syscall, path. */
static napi_value throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  char fallback[16];
  const char *code = errno_name(err, fallback, sizeof fallback);
  char msg[MAX_PATH_BYTES + 256];
  if (path != NULL) {
    snprintf(msg, sizeof msg, "%s: %s, %s '%s'", code, strerror(err), syscall, path);
  } else {
    snprintf(msg, sizeof msg, "%s: %s, %s", code, strerror(err), syscall);
  }
  napi_value code_v, msg_v, error, errno_v;
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_v) != napi_ok ||
      napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &msg_v) != napi_ok ||
      napi_create_error(env, code_v, msg_v, &error) != napi_ok || napi_create_int32(env, -err, &errno_v) != napi_ok ||
      napi_set_named_property(env, error, "errno", errno_v) != napi_ok ||
      !set_string_prop(env, error, "syscall", syscall) ||
      (path != NULL && !set_string_prop(env, error, "path", path))) {
    throw_napi_failure(env);
    return NULL;
  }
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return NULL;
}

/* get_args reads exactly `want` arguments. */
static bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    throw_napi_failure(env);
    return false;
  }
  if (argc < want) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "wharf_native: missing arguments");
    return false;
  }
  return true;
}

/* get_string copies a JS string into a new malloc'd buffer of at most `max` bytes (NUL included). NULL is
 * returned with an exception pending on failure, on an oversized string, or on an embedded NUL byte, which
 * would otherwise silently cut a path short. With `nullable`, JS null/undefined yield *out = NULL and true. */
static bool get_string(napi_env env, napi_value value, size_t max, bool nullable, char **out) {
  *out = NULL;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) {
    throw_napi_failure(env);
    return false;
  }
  if (nullable && (type == napi_null || type == napi_undefined)) return true;
  if (type != napi_string) {
    throw_type(env, "wharf_native: expected a string argument");
    return false;
  }
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) {
    throw_napi_failure(env);
    return false;
  }
  if (len + 1 > max) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "wharf_native: string argument too long");
    return false;
  }
  char *buf = malloc(len + 1);
  if (buf == NULL) {
    napi_throw_error(env, "ENOMEM", "wharf_native: out of memory");
    return false;
  }
  size_t copied = 0;
  if (napi_get_value_string_utf8(env, value, buf, len + 1, &copied) != napi_ok) {
    free(buf);
    throw_napi_failure(env);
    return false;
  }
  if (copied != len || strlen(buf) != len) {
    free(buf);
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "wharf_native: string argument contains a NUL byte");
    return false;
  }
  *out = buf;
  return true;
}

static bool get_u32(napi_env env, napi_value value, uint32_t *out) {
  if (napi_get_value_uint32(env, value, out) != napi_ok) {
    throw_type(env, "wharf_native: expected a number argument");
    return false;
  }
  return true;
}

static bool get_bool(napi_env env, napi_value value, bool *out) {
  if (napi_get_value_bool(env, value, out) != napi_ok) {
    throw_type(env, "wharf_native: expected a boolean argument");
    return false;
  }
  return true;
}

static napi_value undefined_value(napi_env env) {
  napi_value v;
  CHECK(napi_get_undefined(env, &v));
  return v;
}

/* mknod(path, mode, major, minor): mode carries the file type bits (S_IFCHR, S_IFBLK, S_IFIFO, ...). */
static napi_value js_mknod(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  uint32_t mode, major_n, minor_n;
  char *path = NULL;
  if (!get_args(env, info, 4, argv) || !get_u32(env, argv[1], &mode) || !get_u32(env, argv[2], &major_n) ||
      !get_u32(env, argv[3], &minor_n) || !get_string(env, argv[0], MAX_PATH_BYTES, false, &path)) {
    return NULL;
  }
  napi_value result = NULL;
  if (mknod(path, (mode_t)mode, makedev(major_n, minor_n)) != 0) {
    throw_errno(env, errno, "mknod", path);
  } else {
    result = undefined_value(env);
  }
  free(path);
  return result;
}

/* lsetxattr(path, name, value: Buffer): sets an extended attribute without following a final symlink. */
static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) return NULL;
  bool is_buffer = false;
  CHECK(napi_is_buffer(env, argv[2], &is_buffer));
  if (!is_buffer) return throw_type(env, "wharf_native: lsetxattr value must be a Buffer");
  void *data = NULL;
  size_t size = 0;
  CHECK(napi_get_buffer_info(env, argv[2], &data, &size));
  if (size > MAX_XATTR_BYTES) return throw_errno(env, E2BIG, "lsetxattr", NULL);
  char *path = NULL, *name = NULL;
  if (!get_string(env, argv[0], MAX_PATH_BYTES, false, &path)) return NULL;
  if (!get_string(env, argv[1], MAX_NAME_BYTES, false, &name)) {
    free(path);
    return NULL;
  }
  napi_value result = NULL;
  if (lsetxattr(path, name, size == 0 ? (const void *)"" : (const void *)data, size, 0) != 0) {
    throw_errno(env, errno, "lsetxattr", path);
  } else {
    result = undefined_value(env);
  }
  free(path);
  free(name);
  return result;
}

/* lgetxattr(path, name) → Buffer, or undefined when the attribute is absent (ENODATA). */
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char *path = NULL, *name = NULL;
  if (!get_args(env, info, 2, argv) || !get_string(env, argv[0], MAX_PATH_BYTES, false, &path)) return NULL;
  if (!get_string(env, argv[1], MAX_NAME_BYTES, false, &name)) {
    free(path);
    return NULL;
  }
  char *buf = malloc(MAX_XATTR_BYTES);
  napi_value result = NULL;
  if (buf == NULL) {
    napi_throw_error(env, "ENOMEM", "wharf_native: out of memory");
  } else {
    ssize_t n = lgetxattr(path, name, buf, MAX_XATTR_BYTES);
    if (n < 0 && errno == ENODATA) {
      result = undefined_value(env);
    } else if (n < 0) {
      throw_errno(env, errno, "lgetxattr", path);
    } else if (napi_create_buffer_copy(env, (size_t)n, buf, NULL, &result) != napi_ok) {
      result = NULL;
      throw_napi_failure(env);
    }
  }
  free(buf);
  free(path);
  free(name);
  return result;
}

/* llistxattr(path) → string[] of attribute names. */
static napi_value js_llistxattr(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char *path = NULL;
  if (!get_args(env, info, 1, argv) || !get_string(env, argv[0], MAX_PATH_BYTES, false, &path)) return NULL;
  char *buf = malloc(MAX_XATTR_BYTES);
  napi_value result = NULL;
  if (buf == NULL) {
    napi_throw_error(env, "ENOMEM", "wharf_native: out of memory");
  } else {
    ssize_t n = llistxattr(path, buf, MAX_XATTR_BYTES);
    if (n < 0) {
      throw_errno(env, errno, "llistxattr", path);
    } else if (napi_create_array(env, &result) != napi_ok) {
      result = NULL;
      throw_napi_failure(env);
    } else {
      /* The list is a sequence of NUL-terminated names; the kernel guarantees the final NUL. */
      uint32_t index = 0;
      for (ssize_t off = 0; off < n && result != NULL;) {
        size_t len = strnlen(buf + off, (size_t)(n - off));
        napi_value name;
        if (napi_create_string_utf8(env, buf + off, len, &name) != napi_ok ||
            napi_set_element(env, result, index++, name) != napi_ok) {
          result = NULL;
          throw_napi_failure(env);
        }
        off += (ssize_t)len + 1;
      }
    }
  }
  free(buf);
  free(path);
  return result;
}

/* flock(fd, exclusive, nonblocking) → true when locked, false when nonblocking and already held elsewhere. */
static napi_value js_flock(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint32_t fd;
  bool exclusive, nonblocking;
  if (!get_args(env, info, 3, argv) || !get_u32(env, argv[0], &fd) || !get_bool(env, argv[1], &exclusive) ||
      !get_bool(env, argv[2], &nonblocking)) {
    return NULL;
  }
  int op = (exclusive ? LOCK_EX : LOCK_SH) | (nonblocking ? LOCK_NB : 0);
  int rc;
  do {
    rc = flock((int)fd, op);
  } while (rc != 0 && errno == EINTR);
  bool locked = rc == 0;
  if (!locked && !(nonblocking && errno == EWOULDBLOCK)) return throw_errno(env, errno, "flock", NULL);
  napi_value v;
  CHECK(napi_get_boolean(env, locked, &v));
  return v;
}

/* mount(source, target, fstype, flags, data): source, fstype and data may be null. */
static napi_value js_mount(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!get_args(env, info, 5, argv)) return NULL;
  int64_t flags;
  if (napi_get_value_int64(env, argv[3], &flags) != napi_ok || flags < 0) {
    return throw_type(env, "wharf_native: mount flags must be a non-negative number");
  }
  char *source = NULL, *target = NULL, *fstype = NULL, *data = NULL;
  napi_value result = NULL;
  if (get_string(env, argv[0], MAX_PATH_BYTES, true, &source) &&
      get_string(env, argv[1], MAX_PATH_BYTES, false, &target) &&
      get_string(env, argv[2], MAX_NAME_BYTES, true, &fstype) &&
      get_string(env, argv[4], MAX_DATA_BYTES, true, &data)) {
    if (mount(source, target, fstype, (unsigned long)flags, data) != 0) {
      throw_errno(env, errno, "mount", target);
    } else {
      result = undefined_value(env);
    }
  }
  free(source);
  free(target);
  free(fstype);
  free(data);
  return result;
}

/* umount2(target, flags). */
static napi_value js_umount2(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  uint32_t flags;
  char *target = NULL;
  if (!get_args(env, info, 2, argv) || !get_u32(env, argv[1], &flags) ||
      !get_string(env, argv[0], MAX_PATH_BYTES, false, &target)) {
    return NULL;
  }
  napi_value result = NULL;
  if (umount2(target, (int)flags) != 0) {
    throw_errno(env, errno, "umount2", target);
  } else {
    result = undefined_value(env);
  }
  free(target);
  return result;
}

/* syncfs(fd): flushes the whole filesystem holding fd (one call instead of an fsync per unpacked file). */
static napi_value js_syncfs(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uint32_t fd;
  if (!get_args(env, info, 1, argv) || !get_u32(env, argv[0], &fd)) return NULL;
  if (syncfs((int)fd) != 0) return throw_errno(env, errno, "syncfs", NULL);
  return undefined_value(env);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"mknod", NULL, js_mknod, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"llistxattr", NULL, js_llistxattr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"flock", NULL, js_flock, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mount", NULL, js_mount, NULL, NULL, NULL, napi_enumerable, NULL},
      {"umount2", NULL, js_umount2, NULL, NULL, NULL, napi_enumerable, NULL},
      {"syncfs", NULL, js_syncfs, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}
