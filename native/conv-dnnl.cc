#include "conv-dnnl.h"

#include <omp.h>

#include <array>
#include <cstdlib>
#include <map>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <unordered_map>

namespace {

using dnnl::memory;
using tag = memory::format_tag;

dnnl::engine& Engine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dnnl::stream& Stream() {
  static dnnl::stream strm(Engine());
  return strm;
}

// A 64-byte aligned buffer that only grows, shared by every cached primitive (they run one at a time).
class Buffer {
 public:
  void* Get(size_t bytes) {
    if (bytes > size_) {
      ptr_.reset(static_cast<char*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)));
      size_ = bytes;
    }
    return ptr_.get();
  }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> ptr_;
  size_t size_ = 0;
};

Buffer g_scratchpad, g_weights;

// One pass of one shape: the primitive, the layout it wants the filter (or its gradient) in, and the
// reorder between that layout and facet's HWIO when they differ.
struct Entry {
  dnnl::primitive prim;
  memory::desc src, dst, weights;  // the pass's activations (NHWC) and the primitive's filter layout
  memory::desc scratchpad;
  bool reorderWeights = false;
  dnnl::reorder weightsReorder;  // HWIO → weights (forward, backprop input) or weights → HWIO (backprop filter)
};

// Output pixels per image up to which the forward and the filter gradient run on im2col instead (see dnnl_conv2d).
constexpr int64_t kIm2colMaxOutputPixels = 16;

using Key = std::array<int64_t, 16>;

Key KeyOf(DnnlConvPass pass, const ConvShape& s) {
  return {s.n, s.h, s.w, s.c, s.fh, s.fw, s.oc, s.sh, s.sw, s.dh, s.dw, s.padTop, s.padLeft, s.oh, s.ow, (int64_t)pass};
}

// oneDNN's right/bottom padding for facet's output side: the least padding (≥ 0) giving `out` outputs;
// -1 when no padding does (an output smaller than the floor formula gives).
int64_t PaddingAfter(int64_t in, int64_t f, int64_t stride, int64_t dil, int64_t padBefore, int64_t out) {
  const int64_t extent = (f - 1) * dil + 1, pad = std::max<int64_t>(0, (out - 1) * stride + extent - in - padBefore);
  return (in + padBefore + pad - extent) / stride + 1 == out ? pad : -1;
}

// Weights in oneDNN's preferred blocked layout (reordered from/to HWIO per call): the jit AVX-512/AVX2
// kernels need it; with HWIO fixed oneDNN falls back to its own im2col + gemm.
memory::desc AnyWeights(const ConvShape& s) { return memory::desc({s.oc, s.c, s.fh, s.fw}, memory::data_type::f32, tag::any); }

bool Build(DnnlConvPass pass, const ConvShape& s, Entry* e) {
  const int64_t padBottom = PaddingAfter(s.h, s.fh, s.sh, s.dh, s.padTop, s.oh);
  const int64_t padRight = PaddingAfter(s.w, s.fw, s.sw, s.dw, s.padLeft, s.ow);
  if (padBottom < 0 || padRight < 0) return false;
  const auto f32 = memory::data_type::f32;
  const memory::desc x({s.n, s.c, s.h, s.w}, f32, tag::nhwc), y({s.n, s.oc, s.oh, s.ow}, f32, tag::nhwc);
  const memory::desc hwio({s.oc, s.c, s.fh, s.fw}, f32, tag::hwio);
  const memory::dims strides{s.sh, s.sw}, dil{s.dh - 1, s.dw - 1}, padL{s.padTop, s.padLeft}, padR{padBottom, padRight};
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  const auto algo = dnnl::algorithm::convolution_direct;
  try {
    const dnnl::convolution_forward::primitive_desc fwd(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo, x, AnyWeights(s), y, strides, dil, padL, padR), attr, Engine());
    if (pass == DnnlConvPass::kForward) {
      e->prim = dnnl::convolution_forward(fwd);
      e->src = x, e->dst = y, e->weights = fwd.weights_desc(), e->scratchpad = fwd.scratchpad_desc();
    } else if (pass == DnnlConvPass::kBackpropInput) {
      const dnnl::convolution_backward_data::primitive_desc bwd(
          dnnl::convolution_backward_data::desc(algo, x, AnyWeights(s), y, strides, dil, padL, padR), attr, Engine(), fwd);
      e->prim = dnnl::convolution_backward_data(bwd);
      e->src = y, e->dst = x, e->weights = bwd.weights_desc(), e->scratchpad = bwd.scratchpad_desc();
    } else {
      const dnnl::convolution_backward_weights::primitive_desc bwd(
          dnnl::convolution_backward_weights::desc(algo, x, AnyWeights(s), y, strides, dil, padL, padR), attr, Engine(), fwd);
      e->prim = dnnl::convolution_backward_weights(bwd);
      e->src = x, e->dst = y, e->weights = bwd.diff_weights_desc(), e->scratchpad = bwd.scratchpad_desc();
    }
    e->reorderWeights = e->weights != hwio;
    if (e->reorderWeights) {
      e->weightsReorder = pass == DnnlConvPass::kBackpropFilter
                              ? dnnl::reorder(dnnl::reorder::primitive_desc(Engine(), e->weights, Engine(), hwio))
                              : dnnl::reorder(dnnl::reorder::primitive_desc(Engine(), hwio, Engine(), e->weights));
    }
  } catch (const dnnl::error&) {
    return false;
  }
  return true;
}

// Cached per shape and pass; a shape oneDNN refused is remembered as such.
const Entry* Lookup(DnnlConvPass pass, const ConvShape& s) {
  static std::map<Key, std::unique_ptr<Entry>> cache;
  const Key key = KeyOf(pass, s);
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto e = std::make_unique<Entry>();
    it = cache.emplace(key, Build(pass, s, e.get()) ? std::move(e) : nullptr).first;
  }
  return it->second.get();
}

memory Wrap(const memory::desc& md, const float* p) { return memory(md, Engine(), const_cast<float*>(p)); }

}  // namespace

bool dnnl_conv2d(DnnlConvPass pass, const ConvShape& s, const float* in0, const float* in1, float* out) {
  // Measured (2-core AVX-512, batch 32): on outputs of 4×4 pixels or fewer (ResNet's last stage) oneDNN's forward and
  // filter gradient take 1.2–1.3× the time of im2col + sgemm (3×3 512→512: 25 vs 19 ms, 21 vs 18 ms); its dx is faster.
  if (pass != DnnlConvPass::kBackpropInput && s.oh * s.ow <= kIm2colMaxOutputPixels) return false;
  const Entry* e = Lookup(pass, s);
  if (!e) return false;
  const memory::desc hwio({s.oc, s.c, s.fh, s.fw}, memory::data_type::f32, tag::hwio);
  dnnl::stream& strm = Stream();
  const memory user = Wrap(hwio, pass == DnnlConvPass::kBackpropFilter ? out : in1);
  const memory weights = e->reorderWeights ? Wrap(e->weights, static_cast<float*>(g_weights.Get(e->weights.get_size()))) : user;
  if (pass != DnnlConvPass::kBackpropFilter && e->reorderWeights) e->weightsReorder.execute(strm, {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, weights}});
  std::unordered_map<int, memory> args;
  if (pass == DnnlConvPass::kForward) {
    args = {{DNNL_ARG_SRC, Wrap(e->src, in0)}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, Wrap(e->dst, out)}};
  } else if (pass == DnnlConvPass::kBackpropInput) {
    args = {{DNNL_ARG_DIFF_DST, Wrap(e->src, in0)}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DIFF_SRC, Wrap(e->dst, out)}};
  } else {
    args = {{DNNL_ARG_SRC, Wrap(e->src, in0)}, {DNNL_ARG_DIFF_DST, Wrap(e->dst, in1)}, {DNNL_ARG_DIFF_WEIGHTS, weights}};
  }
  const size_t scratch = e->scratchpad.get_size();
  if (scratch > 0) args.emplace(DNNL_ARG_SCRATCHPAD, Wrap(e->scratchpad, static_cast<float*>(g_scratchpad.Get(scratch))));
  e->prim.execute(strm, args);
  if (pass == DnnlConvPass::kBackpropFilter && e->reorderWeights) e->weightsReorder.execute(strm, {{DNNL_ARG_FROM, weights}, {DNNL_ARG_TO, user}});
  strm.wait();
  return true;
}

void dnnl_set_threads(int threads) { omp_set_num_threads(threads); }

const char* dnnl_version_string() {
  static const std::string v = [] {
    const dnnl_version_t* d = dnnl_version();
    return std::to_string(d->major) + "." + std::to_string(d->minor) + "." + std::to_string(d->patch);
  }();
  return v.c_str();
}
