import { CUES } from '../../src/router/lexicon.js';
import { requiredLiterals } from '../../src/router/regex-literals.js';
let s=performance.now(); let n=0; for (const c of CUES) n+=c.re.source.length+c.re.flags.length; console.log('source', (performance.now()-s).toFixed(2), n);
s=performance.now(); for (let k=0;k<140;k++) requiredLiterals(/\bfoo(bar|baz)? (qux|quux)\b/i); console.log('same', (performance.now()-s).toFixed(2));
s=performance.now(); for (const c of CUES) requiredLiterals(c.re); console.log('cues', (performance.now()-s).toFixed(2));
s=performance.now(); for (const c of CUES) requiredLiterals(c.re); console.log('cues again', (performance.now()-s).toFixed(2));
