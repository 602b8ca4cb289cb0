import { readFileSync } from 'node:fs';

/**
 * The OpenBLAS kernel set for this CPU's instruction flags: SkylakeX with AVX-512 (F, CD, BW, DQ, VL),
 * Haswell with AVX2 and FMA, else undefined (OpenBLAS's own detection stands). OpenBLAS 0.3.21 picks by
 * CPU model number, and a virtual machine that reports a generic model ("Intel Xeon Processor") gets
 * its SSE3 Prescott kernels, 2–3× slower; the flags say what the CPU really runs, so this choice never
 * asks for an instruction the CPU lacks.
 */
export function blasCoreForFlags(flags: ReadonlySet<string>): 'SkylakeX' | 'Haswell' | undefined {
  if (['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.has(f))) return 'SkylakeX';
  if (flags.has('avx2') && flags.has('fma')) return 'Haswell';
  return undefined;
}

/** The first CPU's flags from /proc/cpuinfo (empty where there is none, e.g. not Linux). */
function cpuFlags(): Set<string> {
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return new Set(line ? line[1].trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}

/**
 * The OPENBLAS_CORETYPE to set while the addon (and with it OpenBLAS) loads, from the CPU's flags,
 * unless the user set one; and where the core type comes from, for `facet info`.
 */
export function chooseBlasCore(): { coreType?: string; source: string } {
  if (process.env.OPENBLAS_CORETYPE) return { source: 'OPENBLAS_CORETYPE set by the user' };
  const core = process.arch === 'x64' ? blasCoreForFlags(cpuFlags()) : undefined;
  if (!core) return { source: 'OpenBLAS detection' };
  return { coreType: core, source: `chosen by facet from the CPU flags (${core === 'SkylakeX' ? 'AVX-512' : 'AVX2 + FMA'})` };
}
