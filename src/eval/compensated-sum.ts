/**
 * Neumaier-compensated running sum: sums over millions of terms (BCubed, MI) stay within a few
 * ulps of the exact value, whatever the order the terms come in.
 */
export class CompensatedSum {
  private sum = 0;
  private carry = 0;

  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.carry += this.sum - t + x;
    else this.carry += x - t + this.sum;
    this.sum = t;
  }

  value(): number {
    return this.sum + this.carry;
  }
}
