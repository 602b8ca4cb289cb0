/**
 * Reads the lines Infomap prints with --verbose into a short status for progress: "reading the links",
 * "computing the flow", "trial 1/1, iteration 2: 1448 modules, codelength 7.45825", "trial 1/1 done,
 * codelength 7.45702", "writing the modules". Returns the status a line changes, undefined for the others.
 */
export function infomapStatus(): (line: string) => string | undefined {
  let trial = '';
  return (line) => {
    let m: RegExpMatchArray | null;
    if (/^\s*parsing links/.test(line)) return 'reading the links';
    if (line === 'Flow') return 'computing the flow';
    if ((m = line.match(/^Trial (\d+\/\d+) started/))) return (trial = `trial ${m[1]}`);
    if ((m = line.match(/^\s*iter (\d+): .*-> .*= ([\d.]+), (\d+) modules/))) return `${trial}, iteration ${m[1]}: ${m[3]} modules, codelength ${m[2]}`;
    if ((m = line.match(/^Done trial (\d+\/\d+) .*codelength ([\d.]+)/))) return `trial ${m[1]} done, codelength ${m[2]}`;
    if (line.startsWith('Summary after')) return 'writing the modules';
    return undefined;
  };
}
