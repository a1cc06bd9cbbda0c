import { CUES, JAPANESE_CHAR } from '../../src/router/lexicon.js';
import { requiredLiterals } from '../../src/router/regex-literals.js';
import { LiteralFilter } from '../../src/router/literal-filter.js';
import { cueText } from '../../src/router/rules.js';
import { loadExamples } from './corpus.js';
const texts = loadExamples().map((e) => e.text ?? '');
const prompts: string[] = [];
for (let i = 0; prompts.length < 200; i++) { let p=''; for (let j=i; p.length<2000; j++) p+=`${texts[j%texts.length]}\n`; prompts.push(cueText(p.slice(0,2000))); }
const f = new LiteralFilter(CUES.map(c=>c.re));
let none=0; for (let k=0;k<CUES.length;k++){ const l=requiredLiterals(CUES[k]!.re); if(!f.filters(k)) {none++; console.log('NO', CUES[k]!.signal, CUES[k]!.re.source.slice(0,80), l);} }
console.log('unfiltered', none, 'of', CUES.length);
for (const k of [0,5,20,40,60,100,130]) console.log(CUES[k]!.signal, requiredLiterals(CUES[k]!.re));
let bad=0, ran=0, tot=0;
for (const t of [...prompts, ...texts.map(cueText)]) { f.scan(t); for (let k=0;k<CUES.length;k++){ const m=CUES[k]!.re.test(t); const may=f.mayMatch(k); if (m && !may) {bad++; console.log('MISS', CUES[k]!.signal);} if (may) ran++; tot++; } }
console.log('missed', bad, 'ran', ran, 'of', tot);
function t(name: string, fn: (s: string) => unknown) { for (let k=0;k<1000;k++) fn(prompts[k%200]!); const s=performance.now(); for (let k=0;k<4000;k++) fn(prompts[k%200]!); console.log(name, ((performance.now()-s)/4000*1000).toFixed(1),'µs'); }
t('direct', (text)=>{const ja=JAPANESE_CHAR.test(text); let n=0; for (const c of CUES){ if(c.needsJapanese&&!ja) continue; if(c.re.test(text)) n++;} return n;});
t('filtered', (text)=>{const ja=JAPANESE_CHAR.test(text); f.scan(text); let n=0; for (let k=0;k<CUES.length;k++){const c=CUES[k]!; if(c.needsJapanese&&!ja) continue; if(!f.mayMatch(k)) continue; if(c.re.test(text)) n++;} return n;});
t('scan', (text)=>f.scan(text));
const s0=performance.now(); new LiteralFilter(CUES.map(c=>c.re)); console.log('construct ms', (performance.now()-s0).toFixed(2));
