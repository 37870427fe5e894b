/*
 * wharf_native: the few Linux system calls wharf needs that Node.js does not offer.
 *
 * mknod, lsetxattr, lgetxattr, llistxattr, flock, mount, umount2, syncfs. Every function is synchronous and maps
 * one-to-one onto its system call; failures throw an Error shaped like Node's own fs errors (code 'EPERM',
 * errno -1, syscall 'mknod', path '/x'). Policy lives in TypeScript (src/os/native/native.ts), not here.
 *
 * SeqpacketSocket: a client of an AF_UNIX SOCK_SEQPACKET socket (conmon's attach socket; Node has no such socket
 * type), read through a uv_poll_t that JavaScript starts and stops, so a slow consumer can stop reading.
 *
 * Written against Node-API (plus libuv, which Node exposes to addons, for that one poll handle), and registered
 * with NAPI_MODULE_INIT (no global state), so the addon loads in worker threads as well as on the main thread.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <uv.h>

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

/* ---- SeqpacketSocket: a SOCK_SEQPACKET client ----------------------------------------------------------------
 *
 * `new SeqpacketSocket(path, onevent)` connects at once (connect(2) on a unix socket completes or fails, it never
 * is in progress) and reports through `onevent(kind, payload)`:
 *   SP_MESSAGE  (Buffer)  one message, its boundaries kept;
 *   SP_END                the peer closed (recv returned 0); reading stops;
 *   SP_ERROR    (Error)   reading failed (code 'ECONNRESET', 'EMSGSIZE', ...); reading and write waits stop;
 *   SP_WRITABLE           a send() that returned false may now be retried.
 * Methods: send(buf) → false when the socket is full (SP_WRITABLE follows), readStart(), readStop(),
 * shutdown() (SHUT_WR), close() (idempotent); the getter `fd` is -1 once closed.
 *
 * Lifetime. The JS object owns the socket through napi_wrap. While the poll handle is started, the object is held
 * by a strong reference (an active socket stays alive, like a net.Socket that is reading); when stopped, the
 * reference is weak and a forgotten socket is closed by the finalizer. The struct itself outlives both the JS
 * object and the uv_poll_t: it is freed only when the finalizer has run, uv_close's callback has run, and no poll
 * callback is on the stack. `onevent` is kept as a property of the object, not in a napi_ref, because a strong
 * reference to the function would keep its closure (which holds the object) alive forever.
 * An env cleanup hook closes the socket when a worker thread ends, since a worker aborts on open libuv handles. */

#define SP_READ_BYTES 65536      /* larger than any conmon message (8193 bytes); bigger ones are reported */
#define SP_READS_PER_WAKE 64     /* messages per poll callback, so one busy socket cannot starve the loop */

enum { SP_MESSAGE = 0, SP_END = 1, SP_ERROR = 2, SP_WRITABLE = 3 };

typedef struct {
  napi_env env;
  napi_ref wrapper;         /* the JS object: weak, strong while `active` != 0 */
  bool strong;
  napi_async_context async_context;
  uv_poll_t poll;
  int fd;                   /* -1 once closed; closed exactly once */
  bool reading;             /* JS wants messages */
  bool want_write;          /* a send hit EAGAIN; report SP_WRITABLE once */
  int active;               /* the events the poll handle is started with (0: stopped) */
  bool handle_open;         /* uv_poll_init done and uv_close's callback not yet run */
  bool finalized;           /* the JS object is gone */
  bool hook;                /* the env cleanup hook is registered */
  int depth;                /* poll callbacks on the stack */
  char *buf;                /* SP_READ_BYTES for recvmsg */
} seqpacket_t;

static void sp_maybe_free(seqpacket_t *s) {
  if (s->finalized && !s->handle_open && s->depth == 0) {
    free(s->buf);
    free(s);
  }
}

static void sp_on_closed(uv_handle_t *handle) {
  seqpacket_t *s = handle->data;
  s->handle_open = false;
  sp_maybe_free(s);
}

/* sp_close stops polling and closes the descriptor, once. It calls no JavaScript, so the finalizer and the
 * cleanup hook may use it. The handle must stop polling before close(2), or epoll would keep a stale entry. */
static void sp_close(seqpacket_t *s) {
  if (s->fd < 0) return;
  s->reading = false;
  s->want_write = false;
  if (s->handle_open) {
    uv_poll_stop(&s->poll);
    s->active = 0;
    uv_close((uv_handle_t *)&s->poll, sp_on_closed);
  }
  close(s->fd); /* not retried on EINTR: Linux releases the descriptor whatever close returns */
  s->fd = -1;
}

/* sp_hold makes the reference to the JS object strong (poll started) or weak (stopped). */
static void sp_hold(seqpacket_t *s, bool strong) {
  if (s->strong == strong || s->finalized) return;
  uint32_t count;
  napi_status st = strong ? napi_reference_ref(s->env, s->wrapper, &count) : napi_reference_unref(s->env, s->wrapper, &count);
  if (st == napi_ok) s->strong = strong;
}

/* sp_update starts, changes or stops the poll to match `reading` and `want_write`; returns a libuv error or 0. */
static void sp_on_poll(uv_poll_t *handle, int status, int events);
static int sp_update(seqpacket_t *s) {
  int want = s->fd < 0 ? 0 : (s->reading ? UV_READABLE : 0) | (s->want_write ? UV_WRITABLE : 0);
  int rc = 0;
  if (want != s->active) {
    rc = want == 0 ? uv_poll_stop(&s->poll) : uv_poll_start(&s->poll, want, sp_on_poll);
    s->active = rc == 0 ? want : 0;
    if (rc != 0) uv_poll_stop(&s->poll);
  }
  sp_hold(s, s->active != 0);
  return rc;
}

/* sp_emit calls onevent(kind, payload) as a top-level callback (async hooks, then microtasks and nextTicks run
 * after it). An exception thrown by JavaScript becomes an uncaught exception, as with an event listener; false is
 * returned then, or when the call could not be made. */
static bool sp_emit(seqpacket_t *s, int kind, napi_value payload) {
  napi_env env = s->env;
  napi_value self = NULL, fn, argv[2], result;
  argv[1] = payload;
  if (napi_get_reference_value(env, s->wrapper, &self) != napi_ok || self == NULL ||
      napi_get_named_property(env, self, "onevent", &fn) != napi_ok || napi_create_int32(env, kind, &argv[0]) != napi_ok ||
      (payload == NULL && napi_get_undefined(env, &argv[1]) != napi_ok)) {
    return false;
  }
  napi_status st = napi_make_callback(env, s->async_context, self, fn, 2, argv, &result);
  if (st == napi_pending_exception) {
    napi_value err;
    if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
  }
  return st == napi_ok;
}

/* sp_errno_value builds the Error throw_errno would throw, without throwing it. */
static napi_value sp_errno_value(napi_env env, int err, const char *syscall) {
  napi_value error = NULL, pending;
  throw_errno(env, err, syscall, NULL);
  if (napi_get_and_clear_last_exception(env, &pending) == napi_ok) error = pending;
  return error;
}

/* sp_read delivers up to SP_READS_PER_WAKE messages; the poll is level-triggered, so the rest wake it again. */
static void sp_read(seqpacket_t *s) {
  for (int i = 0; i < SP_READS_PER_WAKE && s->fd >= 0 && s->reading; i++) {
    struct iovec iov = {.iov_base = s->buf, .iov_len = SP_READ_BYTES};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    /* Each recvmsg returns exactly one message; MSG_TRUNC says the kernel dropped the part that did not fit. */
    ssize_t n = recvmsg(s->fd, &msg, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n > 0 && (msg.msg_flags & MSG_TRUNC)) {
      n = -1;
      errno = EMSGSIZE;
    }
    if (n == 0) {
      /* compat: an empty message also reads as 0 bytes; conmon never sends one, so 0 means the peer closed. */
      s->reading = false;
      sp_emit(s, SP_END, NULL);
      return;
    }
    if (n < 0) {
      s->reading = false;
      s->want_write = false;
      sp_emit(s, SP_ERROR, sp_errno_value(s->env, errno, "recvmsg"));
      return;
    }
    napi_handle_scope scope;
    napi_value data;
    if (napi_open_handle_scope(s->env, &scope) != napi_ok) return;
    bool ok = napi_create_buffer_copy(s->env, (size_t)n, s->buf, NULL, &data) == napi_ok && sp_emit(s, SP_MESSAGE, data);
    napi_close_handle_scope(s->env, scope);
    if (!ok) return;
  }
}

static void sp_on_poll(uv_poll_t *handle, int status, int events) {
  seqpacket_t *s = handle->data;
  if (status < 0) {
    /* libuv stops the handle on POLLERR and reports UV_EBADF; try both directions so recvmsg or send report the
     * socket's real error (queued messages are still delivered first), and restart the poll below. */
    s->active = 0;
    events = UV_READABLE | UV_WRITABLE;
  }
  napi_handle_scope scope;
  if (napi_open_handle_scope(s->env, &scope) != napi_ok) return;
  s->depth++;
  if (events & UV_READABLE) sp_read(s);
  if ((events & UV_WRITABLE) && s->want_write && s->fd >= 0) {
    s->want_write = false;
    sp_emit(s, SP_WRITABLE, NULL);
  }
  int rc = sp_update(s);
  if (rc != 0 && s->fd >= 0) {
    s->reading = false;
    s->want_write = false;
    sp_update(s);
    sp_emit(s, SP_ERROR, sp_errno_value(s->env, -rc, "uv_poll_start"));
  }
  s->depth--;
  napi_close_handle_scope(s->env, scope);
  sp_maybe_free(s);
}

static void sp_cleanup_hook(void *arg) {
  seqpacket_t *s = arg;
  s->hook = false;
  sp_close(s);
}

static void sp_finalize(napi_env env, void *data, void *hint) {
  seqpacket_t *s = data;
  sp_close(s);
  if (s->hook) napi_remove_env_cleanup_hook(env, sp_cleanup_hook, s);
  s->hook = false;
  napi_async_destroy(env, s->async_context);
  napi_delete_reference(env, s->wrapper);
  s->finalized = true;
  sp_maybe_free(s);
}

/* sp_this unwraps `this` of a method call, reading up to `want` arguments into argv. */
static seqpacket_t *sp_this(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  napi_value self;
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, &self, NULL) != napi_ok) {
    throw_napi_failure(env);
    return NULL;
  }
  if (argc < want) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "wharf_native: missing arguments");
    return NULL;
  }
  if (napi_unwrap(env, self, &data) != napi_ok || data == NULL) {
    throw_type(env, "wharf_native: `this` is not a SeqpacketSocket");
    return NULL;
  }
  return data;
}

/* sp_connect returns a connected non-blocking descriptor, or -1 with an exception pending. */
static int sp_connect(napi_env env, const char *path) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) {
    throw_errno(env, ENAMETOOLONG, "connect", path); /* callers reach long paths through /proc/self/fd/<dir> */
    return -1;
  }
  memcpy(addr.sun_path, path, strlen(path) + 1);
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno(env, errno, "socket", NULL);
    return -1;
  }
  /* Non-blocking: a listener with a full backlog gives EAGAIN instead of blocking the thread. */
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    int err = errno;
    close(fd);
    throw_errno(env, err, "connect", path);
    return -1;
  }
  return fd;
}

/* sp_attach ties a connected descriptor to the JS object `self`; on failure the descriptor is closed. */
static bool sp_attach(napi_env env, napi_value self, napi_value onevent, int fd) {
  seqpacket_t *s = calloc(1, sizeof *s);
  char *buf = malloc(SP_READ_BYTES);
  uv_loop_t *loop = NULL;
  napi_value name;
  napi_property_descriptor prop = {"onevent", NULL, NULL, NULL, NULL, onevent, napi_default, NULL};
  if (s == NULL || buf == NULL) {
    free(s);
    free(buf);
    close(fd);
    napi_throw_error(env, "ENOMEM", "wharf_native: out of memory");
    return false;
  }
  *s = (seqpacket_t){.env = env, .fd = fd, .buf = buf};
  bool ready = napi_define_properties(env, self, 1, &prop) == napi_ok && napi_get_uv_event_loop(env, &loop) == napi_ok &&
               napi_create_string_utf8(env, "WharfSeqpacket", NAPI_AUTO_LENGTH, &name) == napi_ok &&
               napi_async_init(env, self, name, &s->async_context) == napi_ok;
  int rc = ready ? uv_poll_init(loop, &s->poll, fd) : 0;
  if (!ready || rc != 0) {
    if (s->async_context != NULL) napi_async_destroy(env, s->async_context);
    close(fd);
    free(buf);
    free(s);
    if (rc != 0) throw_errno(env, -rc, "uv_poll_init", NULL);
    else throw_napi_failure(env);
    return false;
  }
  s->poll.data = s;
  s->handle_open = true;
  if (napi_wrap(env, self, s, sp_finalize, NULL, &s->wrapper) != napi_ok) {
    napi_async_destroy(env, s->async_context);
    s->finalized = true;
    sp_close(s); /* frees s from uv_close's callback */
    throw_napi_failure(env);
    return false;
  }
  s->hook = napi_add_env_cleanup_hook(env, sp_cleanup_hook, s) == napi_ok;
  return true;
}

/* new SeqpacketSocket(path, onevent): connects; throws ENOENT, ECONNREFUSED, EAGAIN, ENAMETOOLONG, ... */
static napi_value js_sp_new(napi_env env, napi_callback_info info) {
  napi_value argv[2], self, target;
  size_t argc = 2;
  napi_valuetype type;
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  CHECK(napi_get_new_target(env, info, &target));
  if (target == NULL) return throw_type(env, "wharf_native: SeqpacketSocket must be called with new");
  if (argc < 2) return throw_type(env, "wharf_native: SeqpacketSocket(path, onevent) needs both arguments");
  CHECK(napi_typeof(env, argv[1], &type));
  if (type != napi_function) return throw_type(env, "wharf_native: onevent must be a function");
  char *path = NULL;
  if (!get_string(env, argv[0], MAX_PATH_BYTES, false, &path)) return NULL;
  int fd = sp_connect(env, path);
  free(path);
  if (fd < 0 || !sp_attach(env, self, argv[1], fd)) return NULL;
  return self;
}

/* send(buf) → true once the kernel has the whole message, false when the socket is full (SP_WRITABLE follows). */
static napi_value js_sp_send(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  seqpacket_t *s = sp_this(env, info, 1, argv);
  if (s == NULL) return NULL;
  bool is_buffer = false;
  void *data = NULL;
  size_t size = 0;
  CHECK(napi_is_buffer(env, argv[0], &is_buffer));
  if (!is_buffer) return throw_type(env, "wharf_native: send needs a Buffer");
  CHECK(napi_get_buffer_info(env, argv[0], &data, &size));
  if (s->fd < 0) return throw_errno(env, EBADF, "send", NULL);
  ssize_t n;
  do {
    /* MSG_NOSIGNAL: a vanished peer is EPIPE, not a SIGPIPE that would kill the daemon. */
    n = send(s->fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  bool sent = n >= 0;
  if (!sent && errno != EAGAIN && errno != EWOULDBLOCK) return throw_errno(env, errno, "send", NULL);
  if (!sent) {
    s->want_write = true;
    int rc = sp_update(s);
    if (rc != 0) return throw_errno(env, -rc, "uv_poll_start", NULL);
  }
  /* A SOCK_SEQPACKET send is all or nothing: n is the whole size here. */
  napi_value v;
  CHECK(napi_get_boolean(env, sent, &v));
  return v;
}

static napi_value sp_set_reading(napi_env env, napi_callback_info info, bool reading) {
  seqpacket_t *s = sp_this(env, info, 0, NULL);
  if (s == NULL) return NULL;
  if (s->fd < 0) return reading ? throw_errno(env, EBADF, "readStart", NULL) : undefined_value(env);
  s->reading = reading;
  int rc = sp_update(s);
  if (rc != 0) return throw_errno(env, -rc, "uv_poll_start", NULL);
  return undefined_value(env);
}

static napi_value js_sp_read_start(napi_env env, napi_callback_info info) { return sp_set_reading(env, info, true); }
static napi_value js_sp_read_stop(napi_env env, napi_callback_info info) { return sp_set_reading(env, info, false); }

/* shutdown(): SHUT_WR; the peer reads end-of-file, this side can still receive. */
static napi_value js_sp_shutdown(napi_env env, napi_callback_info info) {
  seqpacket_t *s = sp_this(env, info, 0, NULL);
  if (s == NULL) return NULL;
  if (s->fd < 0) return throw_errno(env, EBADF, "shutdown", NULL);
  if (shutdown(s->fd, SHUT_WR) != 0) return throw_errno(env, errno, "shutdown", NULL);
  return undefined_value(env);
}

/* close(): stops polling and closes the descriptor; later calls do nothing. */
static napi_value js_sp_close(napi_env env, napi_callback_info info) {
  seqpacket_t *s = sp_this(env, info, 0, NULL);
  if (s == NULL) return NULL;
  sp_close(s);
  sp_hold(s, false);
  if (s->hook) napi_remove_env_cleanup_hook(env, sp_cleanup_hook, s);
  s->hook = false;
  return undefined_value(env);
}

static napi_value js_sp_fd(napi_env env, napi_callback_info info) {
  seqpacket_t *s = sp_this(env, info, 0, NULL);
  napi_value v;
  if (s == NULL) return NULL;
  CHECK(napi_create_int32(env, s->fd, &v));
  return v;
}

/* seqpacketListen(path, backlog) → the descriptor of a non-blocking listening SOCK_SEQPACKET socket. Tests use it
 * as the peer of SeqpacketSocket (conmon plays that part in production). */
static napi_value js_seqpacket_listen(napi_env env, napi_callback_info info) {
  napi_value argv[2], v;
  uint32_t backlog;
  char *path = NULL;
  if (!get_args(env, info, 2, argv) || !get_u32(env, argv[1], &backlog) ||
      !get_string(env, argv[0], MAX_PATH_BYTES, false, &path)) {
    return NULL;
  }
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  int fd = -1;
  if (strlen(path) >= sizeof addr.sun_path) {
    throw_errno(env, ENAMETOOLONG, "bind", path);
  } else if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
    throw_errno(env, errno, "socket", NULL);
  } else {
    memcpy(addr.sun_path, path, strlen(path) + 1);
    const char *call = bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ? "bind" : listen(fd, (int)backlog) != 0 ? "listen" : NULL;
    if (call != NULL) {
      throw_errno(env, errno, call, path);
      close(fd);
      fd = -1;
    }
  }
  free(path);
  if (fd < 0) return NULL;
  CHECK(napi_create_int32(env, fd, &v));
  return v;
}

/* seqpacketAccept(listenFd) → a connected non-blocking descriptor, or -1 when no connection is waiting. */
static napi_value js_seqpacket_accept(napi_env env, napi_callback_info info) {
  napi_value argv[1], v;
  uint32_t lfd;
  if (!get_args(env, info, 1, argv) || !get_u32(env, argv[0], &lfd)) return NULL;
  int fd;
  do {
    fd = accept4((int)lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return throw_errno(env, errno, "accept4", NULL);
  CHECK(napi_create_int32(env, fd, &v));
  return v;
}

static bool define_seqpacket(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"send", NULL, js_sp_send, NULL, NULL, NULL, napi_default, NULL},
      {"readStart", NULL, js_sp_read_start, NULL, NULL, NULL, napi_default, NULL},
      {"readStop", NULL, js_sp_read_stop, NULL, NULL, NULL, napi_default, NULL},
      {"shutdown", NULL, js_sp_shutdown, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_sp_close, NULL, NULL, NULL, napi_default, NULL},
      {"fd", NULL, NULL, js_sp_fd, NULL, NULL, napi_default, NULL},
  };
  napi_value ctor;
  return napi_define_class(env, "SeqpacketSocket", NAPI_AUTO_LENGTH, js_sp_new, NULL, sizeof methods / sizeof methods[0],
                           methods, &ctor) == napi_ok &&
         napi_set_named_property(env, exports, "SeqpacketSocket", ctor) == napi_ok;
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
      {"seqpacketListen", NULL, js_seqpacket_listen, NULL, NULL, NULL, napi_enumerable, NULL},
      {"seqpacketAccept", NULL, js_seqpacket_accept, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  if (!define_seqpacket(env, exports)) {
    throw_napi_failure(env);
    return NULL;
  }
  return exports;
}
