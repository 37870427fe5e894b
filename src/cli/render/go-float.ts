/**
 * goFormatG formats x like Go's `fmt.Sprintf("%.*g", precision, x)`: `precision` significant digits, rounded
 * half-to-even on the exact binary value, trailing zeros removed, exponent form (`1e+03`) when the decimal
 * exponent is < -4 or >= precision. Docker's size strings ("4.26MB", and the famous "1e+03MB") come from here.
 */
export function goFormatG(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const prec = Math.max(1, precision);
  const neg = x < 0 || Object.is(x, -0);
  const { digits, pointPos } = roundDecimal(exactDecimal(Math.abs(x)), prec);
  const sign = neg ? '-' : '';
  if (digits === '') return `${sign}0`;
  const exp = pointPos - 1;
  // compat: strconv's %g keeps eprec = prec unless the digits are fewer and all before the point.
  let eprec = prec;
  if (eprec > digits.length && digits.length >= pointPos) eprec = digits.length;
  if (exp < -4 || exp >= eprec) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (pointPos <= 0) return `${sign}0.${'0'.repeat(-pointPos)}${digits}`;
  if (pointPos >= digits.length) return `${sign}${digits}${'0'.repeat(pointPos - digits.length)}`;
  return `${sign}${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
}

/** goFormatFixed formats x like Go's `%.Nf` (round half to even on the exact value). */
export function goFormatFixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return goFormatG(x, 1);
  const neg = x < 0;
  const dec = exactDecimal(Math.abs(x));
  const { digits, pointPos } = roundDecimal(dec, Math.max(0, dec.pointPos + decimals));
  let intPart: string;
  let frac: string;
  if (digits === '') {
    intPart = '0';
    frac = '0'.repeat(decimals);
  } else if (pointPos <= 0) {
    intPart = '0';
    frac = ('0'.repeat(-pointPos) + digits).padEnd(decimals, '0').slice(0, decimals);
  } else {
    const padded = digits.padEnd(pointPos, '0');
    intPart = padded.slice(0, pointPos);
    frac = padded.slice(pointPos).padEnd(decimals, '0').slice(0, decimals);
  }
  const body = decimals > 0 ? `${intPart}.${frac}` : intPart;
  return neg && /[1-9]/.test(body) ? `-${body}` : body;
}

interface Decimal {
  /** Significant digits without leading zeros ('' for zero). */
  digits: string;
  /** Position of the decimal point relative to the first digit. */
  pointPos: number;
}

/** exactDecimal returns the exact decimal expansion of a non-negative finite double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', pointPos: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biasedExp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biasedExp === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biasedExp - 1075;
  }
  let digitsStr: string;
  let pointPos: number;
  if (exp >= 0) {
    digitsStr = (mant << BigInt(exp)).toString();
    pointPos = digitsStr.length;
  } else {
    // mant / 2^k == mant * 5^k / 10^k
    const k = -exp;
    digitsStr = (mant * 5n ** BigInt(k)).toString();
    pointPos = digitsStr.length - k;
  }
  const trimmedLead = digitsStr.replace(/^0+/, '');
  pointPos -= digitsStr.length - trimmedLead.length;
  return { digits: trimmedLead.replace(/0+$/, ''), pointPos };
}

/** roundDecimal keeps n significant digits, rounding half to even (strconv's decimal rounding). */
function roundDecimal(d: Decimal, n: number): Decimal {
  if (n < 0 || d.digits.length <= n) return d;
  const next = d.digits.charCodeAt(n) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (n + 1 < d.digits.length) up = true;
  else up = n > 0 && (d.digits.charCodeAt(n - 1) - 48) % 2 === 1;
  let digits = d.digits.slice(0, n);
  let pointPos = d.pointPos;
  if (up) {
    let i = digits.length - 1;
    const arr = digits.split('');
    while (i >= 0 && arr[i] === '9') {
      arr[i] = '0';
      i--;
    }
    if (i < 0) {
      arr.unshift('1');
      pointPos++;
    } else {
      arr[i] = String.fromCharCode((arr[i] ?? '0').charCodeAt(0) + 1);
    }
    digits = arr.join('');
  }
  return { digits: digits.replace(/0+$/, ''), pointPos };
}
