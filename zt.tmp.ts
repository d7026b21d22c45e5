import { Inflate, deflateSync } from 'fflate';
const src = deflateSync(new Uint8Array(50_000_000));
console.log('compressed', src.length);
let calls = 0, max = 0;
const inf = new Inflate((c) => { calls++; max = Math.max(max, c.length); });
for (let i = 0; i < src.length; i += 16384) inf.push(src.subarray(i, i + 16384), i + 16384 >= src.length);
console.log(calls, max);
