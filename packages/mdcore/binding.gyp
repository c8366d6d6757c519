{
  "targets": [
    {
      "target_name": "mdcore",
      "sources": ["src/mdcore.c"],
      "cflags": ["-O2", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O2", "-std=c11"] }
    }
  ]
}
