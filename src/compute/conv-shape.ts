/**
 * NHWC conv2d geometry shared by the native and TypeScript conv kernels. The filter is
 * [fh, fw, c, oc] (TensorFlow's layout); padding is zeros, padTop/padLeft before the first row/column.
 */
export interface ConvShape {
  n: number; h: number; w: number; c: number;
  fh: number; fw: number; oc: number;
  sh: number; sw: number; dh: number; dw: number;
  padTop: number; padLeft: number;
  oh: number; ow: number;
}

/** The order the addon reads a ConvShape in (native/addon.cc ReadConvShape). */
export function convShapeArray(s: ConvShape): number[] {
  return [s.n, s.h, s.w, s.c, s.fh, s.fw, s.oc, s.sh, s.sw, s.dh, s.dw, s.padTop, s.padLeft, s.oh, s.ow];
}

export const convSizes = (s: ConvShape) => ({
  x: s.n * s.h * s.w * s.c,
  filter: s.fh * s.fw * s.c * s.oc,
  y: s.n * s.oh * s.ow * s.oc,
  /** the whole batch's im2col matrix, [n·oh·ow, fh·fw·c] (native/conv.h conv2d_columns_size) */
  cols: s.n * s.oh * s.ow * s.fh * s.fw * s.c,
});

/** Throws naming the argument when an array is shorter than the shape says. */
export function checkConvArrays(what: string, s: ConvShape, arrays: Record<string, [Float32Array, number]>): void {
  for (const v of Object.values(s)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${what}: conv shape has a bad size ${v}`);
  }
  for (const [name, [arr, need]] of Object.entries(arrays)) {
    if (arr.length < need) throw new Error(`${what}: ${name} has ${arr.length} values, the shape needs ${need}`);
  }
}
