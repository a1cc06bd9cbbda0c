import type { TaskType } from '../../src/core/task.js';
import type { Tier } from '../../src/core/tier.js';
import type { SessionFacts } from '../../src/router/types.js';

export interface Labelled {
  prompt: string;
  type: TaskType;
  /** The tier the old flat table gave (kept for the route() smoke test). */
  tier: Tier;
  /** Acceptable tiers by data/router/LABELLING.md, cheapest first; defaults to [tier]. */
  tiers?: Tier[];
  facts?: SessionFacts;
  /** Conversation size to build before the prompt. */
  conversationTokens?: number;
}

const STACK = `TypeError: Cannot read properties of undefined (reading 'id')
    at resolveUser (/app/src/auth/session.ts:42:17)
    at async handler (/app/src/routes/me.ts:12:5)`;

const PY_TRACE = `Traceback (most recent call last):
  File "app/worker.py", line 88, in run
    job = queue.pop()
IndexError: pop from empty list`;

// Expected task type and tier with every key present, the default local models installed
// (qwen3-coder:30b loaded), an empty ledger and a short conversation.
export const LABELLED: Labelled[] = [
  // architecture → frontier
  {
    prompt: 'Design the architecture for a plugin system so third parties can add providers',
    type: 'architecture',
    tier: 0,
  },
  {
    prompt:
      'How should we structure the sync service? Think about the trade-offs between a queue and polling',
    type: 'architecture',
    tier: 0,
    tiers: [1, 0],
  },
  {
    prompt:
      'We need a high-level design for multi-tenant billing; propose the data model and services',
    type: 'architecture',
    tier: 0,
  },
  {
    prompt:
      'Is a monolith or microservices the better architecture for our API given two developers?',
    type: 'architecture',
    tier: 0,
    tiers: [1, 0],
  },
  {
    prompt: '新しい認証基盤の設計を考えてください。セッションとトークンの扱いも含めて',
    type: 'architecture',
    tier: 0,
  },
  {
    prompt: 'このアプリのアーキテクチャを見直したい。レイヤー構成をどうするべき?',
    type: 'architecture',
    tier: 0,
    tiers: [1, 0],
  },
  {
    prompt: 'キャッシュ層のシステム構成を検討して、スケーラビリティのトレードオフを整理して',
    type: 'architecture',
    tier: 0,
    tiers: [1, 0],
  },

  // refactor → standard
  {
    prompt: 'Refactor src/ledger/store.ts to use async iterators instead of callbacks',
    type: 'refactor',
    tier: 1,
  },
  {
    prompt: 'Extract the retry logic in providers/anthropic.ts into a helper function',
    type: 'refactor',
    tier: 1,
    tiers: [2, 1],
  },
  {
    prompt: 'Clean up this module: deduplicate the three nearly identical parsers',
    type: 'refactor',
    tier: 1,
  },
  { prompt: 'Convert the config loader to async/await', type: 'refactor', tier: 1, tiers: [2, 1] },
  { prompt: 'この関数をリファクタリングして読みやすくして', type: 'refactor', tier: 1 },
  { prompt: '重複しているバリデーション処理を共通化してください', type: 'refactor', tier: 1 },
  {
    prompt: 'utils.ts が大きすぎるので、責務ごとにファイルを分割して',
    type: 'refactor',
    tier: 1,
    tiers: [2, 1],
  },

  // implement → standard
  {
    prompt: 'Implement a --json flag for the sessions command',
    type: 'implement',
    tier: 1,
    tiers: [2, 1],
  },
  {
    prompt: 'Add a new endpoint GET /api/usage that returns the month spend',
    type: 'implement',
    tier: 1,
  },
  {
    prompt: 'Add support for OLLAMA_HOST with a scheme-less host:port value',
    type: 'implement',
    tier: 1,
    tiers: [2, 1],
  },
  {
    prompt: 'Create a component that shows a progress bar for model pulls',
    type: 'implement',
    tier: 1,
  },
  { prompt: 'ログイン画面に「パスワードを忘れた」機能を実装して', type: 'implement', tier: 1 },
  { prompt: 'CSVエクスポート機能を追加してください', type: 'implement', tier: 1 },
  {
    prompt: '設定ファイルの検証に新しいオプションを追加して、対応するコマンドも作って',
    type: 'implement',
    tier: 1,
    facts: {},
  },

  // bugfix → standard
  { prompt: 'Fix the bug where the cost shows $0 for unknown models', type: 'bugfix', tier: 1 },
  {
    prompt: 'The date filter is broken: it returns the wrong results for March',
    type: 'bugfix',
    tier: 1,
  },
  {
    prompt: 'pressing Esc does not work anymore in the approval dialog, fix it',
    type: 'bugfix',
    tier: 1,
  },
  { prompt: 'parseTier returns undefined for "0", please fix', type: 'bugfix', tier: 1 },
  { prompt: 'ページネーションのバグを修正して', type: 'bugfix', tier: 1 },
  { prompt: '保存ボタンが動かないので直してください', type: 'bugfix', tier: 1 },
  { prompt: '合計金額の計算がおかしい。不具合を修正して', type: 'bugfix', tier: 1 },

  // debug → frontier
  { prompt: `Why does this happen?\n${STACK}`, type: 'debug', tier: 0, tiers: [1] },
  {
    prompt: 'Debug the deadlock in the worker pool that only happens under load',
    type: 'debug',
    tier: 0,
    tiers: [1, 0],
  },
  {
    prompt: 'The integration tests are flaky on CI; find the root cause',
    type: 'debug',
    tier: 0,
    tiers: [1, 0],
  },
  { prompt: `Investigate this crash:\n${PY_TRACE}`, type: 'debug', tier: 0, tiers: [1] },
  {
    prompt: 'なぜこのテストはCIでだけ落ちるのか原因を調べて',
    type: 'debug',
    tier: 0,
    tiers: [1, 0],
  },
  { prompt: 'メモリリークの原因をデバッグしたい', type: 'debug', tier: 0, tiers: [1, 0] },
  {
    prompt: 'なんでこのプロセスがたまにハングするのか、再現条件を特定して',
    type: 'debug',
    tier: 0,
    tiers: [1, 0],
  },

  // test → standard
  { prompt: 'Write unit tests for src/router/budget.ts', type: 'test', tier: 1, tiers: [2, 1] },
  {
    prompt: 'Add integration tests for the pull command using the ollama stub',
    type: 'test',
    tier: 1,
  },
  {
    prompt: 'Increase test coverage of the ledger reader, especially torn lines',
    type: 'test',
    tier: 1,
  },
  {
    prompt: 'generate vitest test cases for parseModelRef edge cases',
    type: 'test',
    tier: 1,
    tiers: [2, 1],
  },
  { prompt: 'この関数の単体テストを書いて', type: 'test', tier: 1, tiers: [2, 1] },
  { prompt: '境界値のテストケースを追加してください', type: 'test', tier: 1, tiers: [2, 1] },
  { prompt: 'カバレッジが低いのでテストを増やして', type: 'test', tier: 1 },

  // review → local
  { prompt: 'Review my changes before I commit', type: 'review', tier: 3, tiers: [3, 2] },
  {
    prompt: 'Can you look over this diff and tell me if anything is off?',
    type: 'review',
    tier: 3,
    tiers: [3, 2],
  },
  {
    prompt: 'Any issues with this function? Is this idiomatic?',
    type: 'review',
    tier: 3,
    tiers: [3, 2],
  },
  {
    prompt: 'Give me feedback on the naming in this module',
    type: 'review',
    tier: 3,
    tiers: [3, 2],
  },
  { prompt: 'このPRをレビューしてください', type: 'review', tier: 3, tiers: [1] },
  { prompt: 'このコードに問題がないか確認して', type: 'review', tier: 3, tiers: [3, 2] },
  { prompt: '変更内容をレビューして、気になる点を教えて', type: 'review', tier: 3, tiers: [3, 2] },

  // docs → efficient
  { prompt: 'Update the README with install steps for Apple Silicon', type: 'docs', tier: 2 },
  {
    prompt: 'Add JSDoc comments to the exported functions in src/catalog/prices.ts',
    type: 'docs',
    tier: 2,
  },
  { prompt: 'Write the changelog entry for 0.2.0', type: 'docs', tier: 2 },
  {
    prompt: 'Document how the budget guard works in docs/budget.md',
    type: 'docs',
    tier: 2,
    tiers: [2, 1],
  },
  { prompt: 'READMEに使い方のセクションを追加して', type: 'docs', tier: 2 },
  { prompt: 'このモジュールのドキュメントを書いてください', type: 'docs', tier: 2, tiers: [2, 1] },
  { prompt: '各関数にコメントを追加して', type: 'docs', tier: 2 },

  // quick-fix → local
  { prompt: 'fix the typo in the help text', type: 'quick-fix', tier: 3, tiers: [3, 2] },
  { prompt: 'rename the variable tmp to totalUsd', type: 'quick-fix', tier: 3, tiers: [3, 2] },
  {
    prompt: 'remove the unused imports in src/ui/app.tsx',
    type: 'quick-fix',
    tier: 3,
    tiers: [3, 2],
  },
  { prompt: 'bump the version to 0.1.1', type: 'quick-fix', tier: 3, tiers: [3, 2] },
  { prompt: 'typo修正お願いします', type: 'quick-fix', tier: 3, tiers: [3, 2] },
  { prompt: 'コメントの誤字を直して', type: 'quick-fix', tier: 3, tiers: [3, 2] },
  { prompt: 'インデントをちょっと整えて', type: 'quick-fix', tier: 3, tiers: [3, 2] },

  // research → budget cloud
  {
    prompt: 'Compare zod and valibot for config validation',
    type: 'research',
    tier: 4,
    tiers: [4, 2],
  },
  {
    prompt: 'What are the alternatives to conf for storing settings?',
    type: 'research',
    tier: 4,
    tiers: [4, 2],
  },
  {
    prompt: 'Which library should I use to parse YAML in Node? pros and cons please',
    type: 'research',
    tier: 4,
    tiers: [4, 2],
  },
  {
    prompt: 'What is the best practice for retry backoff with rate-limit headers?',
    type: 'research',
    tier: 4,
    tiers: [4, 2],
  },
  { prompt: 'SQLiteとDuckDBの違いを調査して', type: 'research', tier: 4, tiers: [4, 2] },
  {
    prompt: 'Node用のHTTPクライアントのおすすめを比較して',
    type: 'research',
    tier: 4,
    tiers: [4, 2],
  },
  { prompt: 'なぜReactはHooksを採用したのか調べて', type: 'research', tier: 4, tiers: [4, 2] },

  // long-context → efficient
  {
    prompt: 'Read the whole log and summarize what went wrong overnight',
    type: 'long-context',
    tier: 2,
    tiers: [4, 2],
  },
  {
    prompt: 'Go through the entire codebase and list every place we read env vars',
    type: 'long-context',
    tier: 2,
  },
  { prompt: 'Summarize this 4000-line file for me', type: 'long-context', tier: 2, tiers: [4, 2] },
  { prompt: 'この長いログを全部読んで要約して', type: 'long-context', tier: 2, tiers: [4, 2] },
  {
    prompt: 'Fix the failing import in the last file we edited',
    type: 'long-context',
    tier: 2,
    conversationTokens: 70_000,
  },
  {
    prompt: 'さっきの続きで、このファイルの関数を整理して',
    type: 'long-context',
    tier: 2,
    conversationTokens: 80_000,
  },
  {
    prompt: 'what did we decide about the cache earlier?',
    type: 'long-context',
    tier: 2,
    conversationTokens: 90_000,
  },

  // chat → local
  { prompt: 'thanks!', type: 'chat', tier: 3, tiers: [4, 2] },
  { prompt: 'hello', type: 'chat', tier: 3, tiers: [4, 2] },
  { prompt: 'What can you do?', type: 'chat', tier: 3, tiers: [4, 2] },
  { prompt: 'explain what a closure is', type: 'chat', tier: 3, tiers: [4, 2] },
  { prompt: 'ありがとう!', type: 'chat', tier: 3, tiers: [4, 2] },
  { prompt: 'こんにちは', type: 'chat', tier: 3, tiers: [4, 2] },
  { prompt: 'モナドとは?', type: 'chat', tier: 3, tiers: [4, 2] },
];
