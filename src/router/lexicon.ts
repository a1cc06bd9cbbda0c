import type { TaskType } from '../core/task.js';

/** One piece of evidence: a pattern that adds (or, negative, removes) weight for a task type. */
export interface Cue {
  type: TaskType;
  weight: number;
  re: RegExp;
  /** Shown in the route card's signals, e.g. `en:refactor`, `ja:バグ`. */
  signal: string;
  /**
   * The pattern cannot match text without a Japanese character, so an English-only prompt skips
   * it (a third of the cues; test/router/lexicon.test.ts checks the claim on the whole corpus).
   */
  needsJapanese: boolean;
}

const en = (type: TaskType, weight: number, signal: string, re: RegExp): Cue => ({
  type,
  weight,
  re,
  signal: `en:${signal}`,
  needsJapanese: false,
});
const ja = (
  type: TaskType,
  weight: number,
  signal: string,
  re: RegExp,
  /** False when an alternative is plain ASCII (`E2E`). */
  needsJapanese = true,
): Cue => ({
  type,
  weight,
  re,
  signal: `ja:${signal}`,
  needsJapanese,
});

/** Any kana or kanji: without one, no `needsJapanese` cue can match. */
export const JAPANESE_CHAR = /[\u3040-\u30ff\u3400-\u9fff]/;

// Verbs, nouns and phrases people type to a coding assistant. Weights: 5 = decisive on its own
// (typo, README), 3–4 = strong, 1–2 = a hint that only counts together with others. English
// cues match on word boundaries; Japanese has no spaces, so its cues match substrings.
export const CUES: readonly Cue[] = [
  // architecture
  en('architecture', 4, 'architecture', /\barchitect(ure|ural|ing)?\b/i),
  en('architecture', 4, 'system design', /\bsystem design\b/i),
  en(
    'architecture',
    4,
    'design',
    /\bdesign (a |an |the |our |my )?(new )?(system|service|module|api|schema|database|data model|plugin system|pipeline|protocol|interface|layer|structure|storage|sync)\b/i,
  ),
  en(
    'architecture',
    3,
    'how to structure',
    /\bhow should (we|i) (structure|organi[sz]e|split|architect|design|lay out)\b/i,
  ),
  en(
    'architecture',
    3,
    'overall design',
    /\b(high[- ]level|overall) (design|structure|plan|approach)\b/i,
  ),
  en('architecture', 2, 'trade-offs', /\btrade-?offs?\b/i),
  en(
    'architecture',
    2,
    'system terms',
    /\b(scalab(le|ility)|microservices?|monolith|event[- ]driven|domain model|bounded contexts?|multi[- ]tenant)\b/i,
  ),
  en('architecture', 2, 'design doc', /\bdesign doc\b/i),
  en(
    'architecture',
    3,
    'plan',
    /\bplan (the|a|an|our) (migration|rewrite|architecture|redesign)\b/i,
  ),

  // refactor
  en('refactor', 5, 'refactor', /\brefactor(ing|ed|s)?\b/i),
  en('refactor', 2, 'clean up', /\bclean(\s|-)?up\b/i),
  en(
    'refactor',
    4,
    'extract',
    /\bextract (a |the |this |that )?(\w+ )?(function|method|class|module|component|hook|helper|interface|type)s?\b/i,
  ),
  en('refactor', 3, 'extract into', /\bextract (\S+ ){1,6}(into|to|as) /i),
  en('refactor', 2, 'split into', /\bsplit (\w+ ){0,4}into\b/i),
  en(
    'refactor',
    3,
    'restructure',
    /\b(simplify|deduplicate|de-duplicate|dedupe|decouple|modulari[sz]e|restructure|reorgani[sz]e|rewrite)\b/i,
  ),
  en('refactor', 2, 'move into', /\bmove (\w+ ){0,4}(into|to) (a |its own |separate |a new )/i),
  en('refactor', 3, 'migrate', /\bmigrate\b/i),
  en(
    'refactor',
    3,
    'convert',
    /\bconvert (\w+ ){0,4}(to|into) (async|await|typescript|esm|es modules|classes|hooks|functional|promises)\b/i,
  ),
  en('refactor', 3, 'rename everywhere', /\brename (\w+ ){0,3}(across|everywhere|throughout)\b/i),

  // implement
  en('implement', 4, 'implement', /\bimplement(ation|ing|s)?\b/i),
  en('implement', 1, 'build verb', /\b(add|create|build|make|write)\b/i),
  en(
    'implement',
    3,
    'new feature',
    /\bnew (feature|endpoint|command|subcommand|component|option|flag|page|screen|route|api|provider|tool)\b/i,
  ),
  en(
    'implement',
    3,
    'add feature',
    /\b(add|adds|adding|create|build) (a |an |the )?(new )?(\w+ ){0,2}(feature|endpoint|command|subcommand|component|option|flag|setting|button|field|page|screen|route|support|handler|parser|cache|validation|cli|function|class|middleware|webhook|integration)\b/i,
  ),
  en('implement', 2, 'support for', /\bsupport for\b/i),
  en('implement', 2, 'integrate', /\bintegrate\b/i),
  en('implement', 2, 'scaffold', /\b(scaffold|boilerplate)\b/i),

  // bugfix
  en('bugfix', 3, 'fix', /\bfix(es|ed|ing)?\b/i),
  en('bugfix', 3, 'bug', /\bbugs?\b/i),
  en('bugfix', 2, 'broken', /\bbroken\b/i),
  en(
    'bugfix',
    2,
    'not working',
    /\b(doesn'?t|does not|isn'?t|is not|don'?t|won'?t|not|stopped) work(ing|s)?\b/i,
  ),
  en('bugfix', 2, 'regression', /\bregression\b/i),
  en(
    'bugfix',
    2,
    'wrong result',
    /\bwrong (result|output|value|answer|type|order|total|date)s?\b/i,
  ),
  en('bugfix', 1, 'error', /\b(error|exception)s?\b/i),
  en(
    'bugfix',
    2,
    'bad return',
    /\b(returns|gives|shows|prints|throws) (null|undefined|nan|wrong|an? (error|empty|exception))\b/i,
  ),

  // debug
  en('debug', 4, 'debug', /\bdebug(ging)?\b/i),
  en(
    'debug',
    2,
    'why',
    /\bwhy (does|is|do|are|did|would|can'?t|won'?t|doesn'?t|isn'?t|am i|are we)\b/i,
  ),
  en('debug', 4, 'root cause', /\broot cause\b/i),
  en(
    'debug',
    3,
    'investigate',
    /\b(investigate|diagnose|track down|figure out why|find out why)\b/i,
  ),
  en(
    'debug',
    3,
    'symptom',
    /\b(segfaults?|deadlocks?|race conditions?|memory leaks?|leak(s|ing)|flaky|intermittent(ly)?|hangs|hanging|freez(es|ing)|panic(s|ked)?|crash(es|ed|ing)?|oom|out of memory|heisenbug|timeouts? randomly)\b/i,
  ),
  en('debug', 2, 'stack trace', /\bstack ?traces?\b/i),
  en(
    'debug',
    3,
    'reproduce',
    /\b(only happens|sometimes fails|randomly fails|can'?t reproduce|reproduc(e|ible))\b/i,
  ),

  // test
  en(
    'test',
    5,
    'write tests',
    /\b(write|add|create|generate|increase|improve|expand) (\w+ ){0,3}(unit |integration |e2e |end-to-end |snapshot |regression |property[- ]based )?(tests?|specs?|test cases?|coverage)\b/i,
  ),
  en(
    'test',
    3,
    'test kind',
    /\b(unit|integration|e2e|end-to-end|snapshot|property[- ]based) tests?\b/i,
  ),
  en('test', 3, 'test suite', /\btest (coverage|cases?|suite|harness|fixtures?)\b/i),
  en('test', 2, 'test runner', /\b(vitest|jest|pytest|mocha|playwright|cypress|junit)\b/i),
  en('test', 2, 'coverage', /\bcoverage\b/i),
  en('test', 1, 'test', /\btests?\b/i),
  en('test', 1, 'mock', /\bmock(s|ing|ed)?\b/i),
  // A failing test is a bug to chase, not a test to write.
  en(
    'test',
    -5,
    'failing test',
    /\b(failing|fails?|failed|broken|red|flaky) (\w+ )?tests?\b|\btests? (are |is |keeps? )?(failing|fail(s|ed)?|broken|red|flaky)\b/i,
  ),
  en(
    'debug',
    2,
    'failing test',
    /\b(failing|fails?|failed|broken|red|flaky) (\w+ )?tests?\b|\btests? (are |is |keeps? )?(failing|fail(s|ed)?|broken|red|flaky)\b/i,
  ),
  en(
    'bugfix',
    2,
    'failing test',
    /\b(failing|fails?|failed|broken|red|flaky) (\w+ )?tests?\b|\btests? (are |is |keeps? )?(failing|fail(s|ed)?|broken|red|flaky)\b/i,
  ),

  // review
  en('review', 5, 'review', /\breview(ing)?\b/i),
  en(
    'review',
    3,
    'look over',
    /\b(look over|look at|go over|read over|read through) (my|this|the|these) (code|changes|diff|pr|pull request|patch|implementation|commit)\b/i,
  ),
  en('review', 3, 'feedback', /\b(feedback|critique|opinion|thoughts) on\b/i),
  en(
    'review',
    2,
    'spot issues',
    /\b(any|spot|see|find) (obvious )?(issues|problems|mistakes|smells)\b/i,
  ),
  en(
    'review',
    3,
    'check my code',
    /\bcheck (my|this|the|these) (code|changes|diff|pr|pull request|patch|implementation|commit)\b/i,
  ),
  en(
    'review',
    2,
    'is this ok',
    /\b(is this|does this look|is it) (ok|okay|correct|right|good|idiomatic|safe|sane|reasonable)\b/i,
  ),
  en('review', 1, 'pull request', /\b(pull request|pr #?\d+)\b/i),

  // docs
  en('docs', 3, 'docs', /\b(docs|documentation|document (the|this|how|our|my|all|each))\b/i),
  // README is often just where a small fix happens; writing it is the docs cue.
  en('docs', 3, 'readme', /\breadme\b/i),
  en(
    'docs',
    4,
    'write docs',
    /\b(write|update|improve|add|rewrite|expand) (\w+ ){0,3}(readme|docs|documentation|guide|section|examples)\b/i,
  ),
  en('docs', 5, 'doc comments', /\b(jsdoc|tsdoc|docstrings?|javadoc|godoc|typedoc|rustdoc)\b/i),
  en('docs', 3, 'comments', /\b(add|write|update|improve|fix) (\w+ ){0,2}comments?\b/i),
  en('docs', 4, 'changelog', /\b(changelog|release notes)\b/i),
  en(
    'docs',
    2,
    'usage guide',
    /\b(usage (guide|examples?|section)|getting started|how-?to guide|tutorial)\b/i,
  ),
  en('docs', 2, 'contributing', /\bcontributing(\.md)?\b/i),

  // quick-fix
  en('quick-fix', 6, 'typo', /\btypos?\b/i),
  en('quick-fix', 4, 'spelling', /\b(misspell(ed|ing)?|spelling)\b/i),
  en(
    'quick-fix',
    3,
    'rename one',
    /\brename (this |the |that )?(\w+ )?(variable|function|const|constant|field|param|parameter|prop|method|file|class)\b/i,
  ),
  en('quick-fix', 3, 'one line', /\b(one[- ]?liner|one[- ]line|single[- ]line)\b/i),
  en(
    'quick-fix',
    4,
    'small change',
    /\b(quick|tiny|small|trivial|minor|simple|little) (fix|change|tweak|edit|patch)\b/i,
  ),
  en('quick-fix', 3, 'bump version', /\b(bump|update) (the )?(\w+ )?version\b/i),
  en(
    'quick-fix',
    4,
    'formatting',
    /\b(fix|sort|organi[sz]e|clean) (the )?(indent(ation)?|formatting|lint( errors| warnings)?|imports?|whitespace|trailing commas?)\b/i,
  ),
  en(
    'quick-fix',
    3,
    'remove unused',
    /\bremove (the |this |that |all )?(unused|console\.logs?|debug (prints?|logs?)|dead|commented[- ]out)\b/i,
  ),
  en(
    'quick-fix',
    4,
    'missing token',
    /\bmissing (semicolon|comma|import|bracket|paren(thesis)?|brace)\b/i,
  ),

  // research
  en('research', 4, 'research', /\bresearch\b/i),
  en('research', 3, 'compare', /\b(compare|comparison)\b/i),
  en(
    'research',
    3,
    'which library',
    /\b(which|what) (\w+ ){0,2}(library|libraries|framework|frameworks|package|packages|tool|tools|database|db|orm|approach|model) (should|to|is best|would|do you recommend)\b/i,
  ),
  en(
    'research',
    3,
    'what is best',
    /\bwhat('?s| is| are) the (best|difference|differences|recommended|state of|current)\b/i,
  ),
  en('research', 3, 'alternatives', /\balternatives? (to|for)\b/i),
  en('research', 3, 'pros and cons', /\bpros and cons\b/i),
  en('research', 2, 'look up', /\b(look up|find out|survey|evaluate)\b/i),
  en('research', 2, 'versus', /\b(vs\.?|versus)\b/i),
  en('research', 2, 'best practice', /\bbest practices?\b/i),
  en('research', 2, 'latest version', /\b(latest|current) (version|release) of\b/i),

  // long-context
  en(
    'long-context',
    4,
    'read all',
    /\b(read|summari[sz]e|go through|scan|analy[sz]e|digest) (\w+ ){0,2}(whole|entire|all (of )?the|full|every)\b/i,
  ),
  en(
    'long-context',
    3,
    'entire corpus',
    /\b(entire|whole) (codebase|repo(sitory)?|project|log|file|transcript|history|document|thread)\b/i,
  ),
  en(
    'long-context',
    3,
    'large input',
    /\b(huge|large|long|giant|massive) (file|log|logs|dump|transcript|document|diff|pdf|spec)\b/i,
  ),
  en('long-context', 3, 'n lines', /\b\d{3,}[ -](line|page)s?\b/i),
  en('long-context', 2, 'summarize', /\bsummari[sz](e|ation)\b/i),

  // chat
  en(
    'chat',
    6,
    'small talk',
    /^\s*(hi|hello|hey|yo|thanks|thank you|thx|ok|okay|cool|great|nice|good (morning|night|evening)|bye)( there| so much| a lot)?[\s!.,]*$/i,
  ),
  en('chat', 3, 'greeting', /^\s*(hi|hello|hey|thanks|thank you)\b/i),
  en('chat', 3, 'about you', /\b(what (do|can) you (do|think)|who are you|are you able)\b/i),
  en('chat', 2, 'explain', /\b(explain|tell me about|what does .{1,40} mean)\b/i),
  en('chat', 1, 'concept question', /\b(what is|what are|what's|how does|how do)\b/i),

  // ── Japanese ──
  ja('architecture', 5, '設計', /設計/),
  ja('architecture', 5, 'アーキテクチャ', /アーキテクチャ/),
  ja(
    'architecture',
    3,
    '構成',
    /全体構成|システム構成|構成を(考え|検討|決め)|方針を(考え|決め|検討)|スケーラビリティ/,
  ),
  ja('architecture', 2, 'トレードオフ', /トレードオフ/),

  ja('refactor', 5, 'リファクタ', /リファクタ/),
  ja(
    'refactor',
    3,
    '整理',
    /共通化|整理して|切り出|分割して|書き直|きれいにして|綺麗にして|移行して|モジュール化/,
  ),
  ja('refactor', 2, '冗長', /冗長|重複/),

  ja('implement', 4, '実装', /実装/),
  ja(
    'implement',
    2,
    '追加',
    /追加して|追加したい|作って|作成して|機能を|対応して|組み込|新しい(機能|コマンド|画面|エンドポイント)/,
  ),
  ja('implement', 1, '書いて', /書いて/),

  ja('bugfix', 3, 'バグ', /バグ|不具合/),
  ja('bugfix', 3, '修正', /修正/),
  // 見直す is "reconsider", not "fix".
  ja('bugfix', 3, '直して', /(?<!見)(直して|直す|直らない|直したい)|治して/),
  ja('bugfix', 2, '動かない', /動かない|動作しない|壊れ|正しくない/),
  // おかしい is "odd": a symptom whose cause is unknown as often as a known bug.
  ja('bugfix', 1, 'おかしい', /おかしい|挙動が変/),
  ja('debug', 1, 'おかしい', /おかしい|挙動が変/),
  ja('bugfix', 1, 'エラー', /エラー|例外/),

  ja('debug', 4, 'デバッグ', /デバッグ/),
  ja('debug', 3, '原因', /原因/),
  ja('debug', 2, 'なぜ', /なぜ|なんで|どうして/),
  ja(
    'debug',
    3,
    '症状',
    /落ちる|落ちます|クラッシュ|固まる|ハング|フリーズ|リーク|再現|たまに失敗|間欠的/,
  ),

  ja('test', 5, 'テストを書く', /テスト(コード|ケース)?(を)?(書|追加|作|増や|生成)/),
  ja(
    'test',
    3,
    'テスト種別',
    /単体テスト|ユニットテスト|結合テスト|E2E|テストケース|カバレッジ/,
    false,
  ),
  ja('test', 1, 'テスト', /テスト/),
  ja('test', -5, 'テスト失敗', /テスト.{0,6}(落ち|失敗|通らな|こけ|赤)/),
  ja('debug', 3, 'テスト失敗', /テスト.{0,6}(落ち|失敗|通らな|こけ|赤)/),

  ja('review', 5, 'レビュー', /レビュー/),
  ja(
    'review',
    2,
    '見て',
    /見て(ください|くれ|もらえ|ほしい)|チェックして|確認して|問題(点)?(が)?(ない|ある)か/,
  ),

  // ASCII words (README, typo) are English cues already: listing them here would count twice.
  ja('docs', 5, 'ドキュメント', /ドキュメント|仕様書|説明書|変更履歴/),
  ja('docs', 4, 'コメント', /コメントを?(書|追加|付け|入れ)/),
  ja('docs', 2, '使い方', /使い方/),

  ja('quick-fix', 6, '誤字', /タイポ|誤字|脱字|スペルミス/),
  ja(
    'quick-fix',
    3,
    'ちょっと',
    /ちょっと(だけ)?|軽く|一行|1行|インデント|フォーマット|不要な(import|インポート)|セミコロン/,
  ),
  ja('quick-fix', 3, 'リネーム', /リネーム|名前を変え/),
  // Renaming across the code base is a refactor, not a one-line edit.
  ja(
    'refactor',
    4,
    '全体でリネーム',
    /(全体|全ファイル|すべて|全て|横断).{0,24}(リネーム|名前を変え)/,
  ),

  ja('research', 4, '調査', /調査/),
  ja('research', 3, '調べて', /調べて/),
  // 間違い ("mistake") contains 違い ("difference"): only the latter is a comparison.
  ja(
    'research',
    3,
    '比較',
    /比較|(?<!間)違い(は|を|って)|選定|おすすめ|どれがいい|どちらがいい|候補/,
  ),
  ja('research', 2, 'ベストプラクティス', /ベストプラクティス/),

  ja(
    'long-context',
    4,
    '全部読んで',
    /全部読んで|全体を読|全て読|すべて読|全ファイル|すべてのファイル/,
  ),
  ja('long-context', 3, '長い', /長い(ログ|ファイル)|巨大な|大量の(ログ|ファイル)/),
  ja('long-context', 2, '要約', /要約/),

  ja(
    'chat',
    6,
    '挨拶',
    /^\s*(こんにちは|ありがとう(ございます)?|おはよう(ございます)?|こんばんは|よろしく(お願いします)?|了解|おけ)[!！。、\s]*$/,
  ),
  ja('chat', 3, 'ありがとう', /ありがとう|こんにちは/),
  ja('chat', 2, '教えて', /とは[？?]?$|って何|について教えて|教えて/),
];

/** Words that mean "something is failing", turning a "why" question into debugging. */
export const FAILURE_WORDS =
  /\b(error|exception|fail(s|ed|ing)?|crash(es|ed)?|broken|wrong|undefined|null|nan|hangs?|slow|timeout|leak|panic|throws?)\b|エラー|失敗|落ち|動かない|おかしい|例外|遅い|固まる/i;

/** The work spans many places. */
export const SCOPE_WORDS =
  /\b(entire|whole|all (the )?(files|modules|services|packages|call ?sites)|across (the )?(codebase|repo|project|modules|files|services)|everywhere|throughout|multiple files|many files|every (file|module))\b|全体|全ファイル|すべての|全ての|複数のファイル|横断/i;

/** A mistake here is expensive. */
export const RISK_WORDS =
  /\b(security|auth(entication|orization)?|concurren(t|cy)|race|migration|production|prod|payments?|billing|data loss|thread[- ]safe(ty)?|distributed|crypto(graphy)?|transactions?|(dead)?lock(s|ing)?)\b|本番|セキュリティ|並行|並列|移行|決済|認証|排他/i;

/** The user says it is small. */
export const SMALL_WORDS = /\b(small|tiny|simple|quick|trivial|minor)\b|ちょっと|簡単|軽く/i;

/** A stack trace from JavaScript, Python, Java, Go or Rust. */
export const STACK_TRACE =
  /(^\s+at .+(\(.+:\d+:\d+\)|:\d+:\d+)$)|Traceback \(most recent call last\)|^\s*File ".+", line \d+|panicked at|^goroutine \d+ \[|Exception in thread|^\s+at [\w.$]+\([\w.]+\.java:\d+\)/m;

/** An error line such as `TypeError: x is not a function`. */
export const ERROR_LINE = /\b[A-Z]\w*(Error|Exception): .+/;

/**
 * Cheap necessary conditions of the three regexes above and below, which run over the whole
 * prompt (not the cue text): a prompt without these substrings cannot match them, and most
 * prompts have none, so the costly scan (a third of the rules' time on a 2 KB prompt) is skipped.
 */
export function mayHaveStackTrace(text: string): boolean {
  return (
    text.includes('at ') ||
    text.includes('panicked at') ||
    text.includes('Traceback') ||
    text.includes('File "') ||
    text.includes('goroutine ') ||
    text.includes('Exception in thread')
  );
}
export function mayHaveErrorLine(text: string): boolean {
  return text.includes('Error: ') || text.includes('Exception: ');
}
/** FILE_NAME's extension and boundary alone, without the path before it. */
export const FILE_EXTENSION =
  /\.(?:tsx?|jsx?|mjs|cjs|py|go|rs|java|kt|swift|rb|php|c|cc|cpp|h|hpp|cs|md|json|ya?ml|toml|sql|sh|css|scss|html|vue|svelte)\b/;

/** File names with a known source extension. */
export const FILE_NAME =
  /(?:^|[\s`'"(])((?:[\w.-]+\/)*[\w.-]+\.(?:tsx?|jsx?|mjs|cjs|py|go|rs|java|kt|swift|rb|php|c|cc|cpp|h|hpp|cs|md|json|ya?ml|toml|sql|sh|css|scss|html|vue|svelte))\b/g;
