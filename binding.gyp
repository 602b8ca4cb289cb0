{
  "targets": [
    {
      "target_name": "facet_native",
      "sources": ["native/addon.cc", "native/conv.cc", "native/topk.cc", "native/layers.cc", "native/attention.cc"],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags_cc": ["-O3", "-std=c++17"],
      "libraries": ["-lopenblas", "-lpthread"]
    }
  ]
}
