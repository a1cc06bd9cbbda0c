/*
 * Deterministic stand-in for nomic-embed-text, used by the stub Ollama's /api/embed and by
 * in-process cache tests: a hashed bag of words (lower-cased, crudely stemmed, stop words
 * left out, each word and each adjacent word pair hashed to a signed dimension), L2-normalised
 * as Ollama normalises its embeddings. Texts that share most words are close, unrelated texts
 * are near 0: the property the cache relies on, without a 270 MB model. It knows nothing of
 * synonyms, so paraphrases that change the words score lower than a real model would give.
 */

export const STUB_EMBEDDING_DIMENSIONS = 768;

const STOP = new Set(
  'a an the is are was were be been am do does did to of in on at for with and or but it its this that these those i me my you your we our can could would should will please what why how which who when where there here so as by from about into just me'.split(
    ' ',
  ),
);

function stem(word: string): string {
  return word.replace(/(?:ing|ed|es|s)$/, '').replace(/([a-z])\1$/, '$1');
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function stubEmbedding(text: string, dims = STUB_EMBEDDING_DIMENSIONS): number[] {
  const words = (text.toLowerCase().match(/[a-z0-9_]+/g) ?? [])
    .filter((w) => !STOP.has(w))
    .map(stem);
  const v = new Array<number>(dims).fill(0);
  const add = (feature: string, weight: number) => {
    const h = hash(feature);
    v[h % dims]! += h & 0x80000000 ? -weight : weight;
  };
  for (const [i, w] of words.entries()) {
    add(w, 1);
    if (i > 0) add(`${words[i - 1]} ${w}`, 0.5);
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  // An empty text still gets a vector, as Ollama gives one: a fixed direction.
  if (norm === 0) return v.map((_, i) => (i === 0 ? 1 : 0));
  return v.map((x) => x / norm);
}
