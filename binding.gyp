{
  "targets": [
    {
      "target_name": "wharf_native",
      "sources": ["native/wharf_native.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-O2", "-fno-strict-aliasing"],
      "cflags_c": ["-std=gnu11"]
    }
  ]
}
