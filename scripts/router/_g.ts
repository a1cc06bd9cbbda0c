import { CUES } from '../../src/router/lexicon.js';
import { requiredLiterals } from '../../src/router/regex-literals.js';
import { LiteralFilter } from '../../src/router/literal-filter.js';
let s1=performance.now(); for (const c of CUES) requiredLiterals(c.re); console.log('parse cold', (performance.now()-s1).toFixed(2));
s1=performance.now(); for (const c of CUES) requiredLiterals(c.re); console.log('parse warm', (performance.now()-s1).toFixed(2));
s1=performance.now(); new LiteralFilter(CUES.map(c=>c.re)); console.log('filter', (performance.now()-s1).toFixed(2));
s1=performance.now(); new LiteralFilter(CUES.map(c=>c.re)); console.log('filter2', (performance.now()-s1).toFixed(2));
