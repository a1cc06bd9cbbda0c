import { loadTokenizer } from '../src/router/tokenizer.js';

// Token counts in tests are exact: the app loads the encoder in the background, tests wait.
await loadTokenizer();
