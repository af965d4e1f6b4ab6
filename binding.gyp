{
  "targets": [
    {
      "target_name": "lectern_native",
      "sources": ["tensor/backends/cpu/native/lectern.cc"],
      "cflags_cc": ["-O3", "-std=gnu++17", "-ffp-contract=fast", "-fno-trapping-math", "-fno-exceptions", "-Wno-psabi"],
      "cflags_cc!": ["-fno-rtti"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=gnu++17", "-ffp-contract=fast"] }
    }
  ]
}
