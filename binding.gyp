{
  "variables": {
    # oneDNN's convolutions (native/conv-dnnl.cc) when libdnnl-dev is installed; im2col + sgemm otherwise
    "dnnl%": "<!(test -f /usr/include/oneapi/dnnl/dnnl.hpp && echo 1 || echo 0)"
  },
  "targets": [
    {
      "target_name": "facet_native",
      "sources": ["native/addon.cc", "native/conv.cc", "native/topk.cc", "native/layers.cc", "native/attention.cc", "native/optimizer.cc", "native/softmax.cc"],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      # -Wno-psabi: softmax.cc's AVX2 vectors pass between always-inlined helpers only, never across an ABI
      "cflags_cc": ["-O3", "-std=c++17", "-Wno-psabi"],
      "libraries": ["-lopenblas", "-lpthread"],
      "conditions": [
        ["dnnl==1", {
          "sources": ["native/conv-dnnl.cc"],
          "defines": ["FACET_DNNL"],
          # oneDNN reports an unsupported shape by throwing (conv-dnnl.cc then falls back to im2col)
          "cflags_cc!": ["-fno-exceptions"],
          "cflags_cc": ["-fexceptions"],
          "libraries": ["-ldnnl", "-lgomp"]
        }]
      ]
    }
  ]
}
