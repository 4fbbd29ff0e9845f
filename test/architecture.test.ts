import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The layout's rules, checked on the TypeScript sources (no build output, no
 * database):
 *
 * 1. Each role stands on its own. server/, agent/ and client/ import nothing
 *    from one another, only from themselves, common/ and protos/ (the server
 *    also owns migrations/); common/ imports only common/ and protos/.
 *    bin/, test/ and bench/ may import anything.
 *    Within server/, only the edges (server/grpc/, server/http/, which
 *    proves its callers with the gRPC edge's Guard, server/cli/ and
 *    server/server.ts) import gRPC packages, server/grpc/ or the generated
 *    proto types: the agent hub, dispatcher, lifecycle and store do not know
 *    how they are served.
 * 2. SQL is built only in server/store/ (and migrations/): no other file of
 *    server/, agent/, client/, common/ or bin/ calls the query builder or
 *    holds SQL text.
 *
 * Both are read from the text with the small scanner below, not a compiler:
 * simple enough to check by eye, precise enough for this code base.
 */

// Tests run from dist/test/; the sources are two levels up.
const ROOT = path.resolve(__dirname, '..', '..');

// ---- reading sources ----

/** Every .ts file under `dir` (relative to the repository root), as root-relative paths with "/". */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Three views of a source text, each the same length with every newline in
 * place (so an index in any of them is a line in the file):
 * - `code`: comments and the contents of string, template and regex
 *   literals blanked (their delimiters kept);
 * - `strings`: only the contents of string and template literals (all of a
 *   template, `${...}` included), the rest blanked;
 * - `noComments`: the text with comments blanked, literals intact.
 *
 * A `/` starts a regex literal when what precedes it cannot end an
 * expression (an operator, an opening bracket, `return`...), the usual rule.
 */
function lex(text: string): { code: string; strings: string; noComments: string } {
  const code: string[] = [];
  const strings: string[] = [];
  const noComments: string[] = [];
  const blank = (c: string) => (c === '\n' ? '\n' : ' ');
  const emit = (c: string, kind: 'code' | 'comment' | 'string' | 'delimiter' | 'regex') => {
    code.push(kind === 'code' || kind === 'delimiter' ? c : blank(c));
    strings.push(kind === 'string' ? c : blank(c));
    noComments.push(kind === 'comment' ? blank(c) : c);
  };
  let i = 0;
  let lastSignificant = ''; // the code before the current position, trimmed, for the regex rule
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') emit(text[i++], 'comment');
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      while (i < stop) emit(text[i++], 'comment');
    } else if (c === "'" || c === '"' || c === '`') {
      emit(c, 'delimiter');
      i++;
      while (i < text.length && text[i] !== c && (c === '`' || text[i] !== '\n')) {
        if (text[i] === '\\') emit(text[i++], 'string');
        if (i < text.length) emit(text[i++], 'string');
      }
      if (i < text.length) emit(text[i++], 'delimiter');
      lastSignificant = 'x'; // a literal ends an expression
    } else if (c === '/' && /(^|[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|case|do|else|in|of|void|yield|await))$/.test(lastSignificant)) {
      emit(c, 'delimiter');
      i++;
      let inClass = false;
      while (i < text.length && text[i] !== '\n' && (inClass || text[i] !== '/')) {
        if (text[i] === '\\') emit(text[i++], 'regex');
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        if (i < text.length) emit(text[i++], 'regex');
      }
      if (i < text.length && text[i] === '/') emit(text[i++], 'delimiter');
      lastSignificant = 'x';
    } else {
      emit(c, 'code');
      if (!/\s/.test(c)) lastSignificant = (lastSignificant + c).slice(-16);
      i++;
    }
  }
  return { code: code.join(''), strings: strings.join(''), noComments: noComments.join('') };
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

// ---- rule 1: imports ----

interface Import {
  file: string;
  line: number;
  specifier: string;
  /** The top-level folder a relative specifier lands in ("server", "common"...), or null for a package. */
  target: string | null;
}

// `import ... from '...'` and `export ... from '...'`, over several lines if need be; `import '...'`;
// `require('...')` and `import('...')` with a literal argument.
const IMPORT_PATTERNS = [
  /^[ \t]*(?:import|export)\s[\w\s{},*$]*?\bfrom\s*(['"])([^'"\n]+)\1/gm,
  /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm,
  /\b(?:require|import)\(\s*(['"])([^'"\n]+)\1\s*\)/g,
];

function importsOf(file: string): Import[] {
  const { noComments } = lex(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  const found: Import[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of noComments.matchAll(pattern)) {
      const specifier = match[2];
      let target: string | null = null;
      if (specifier.startsWith('.')) {
        const resolved = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier));
        target = resolved.startsWith('..') ? '(outside the repository)' : resolved.split(path.sep)[0];
      }
      found.push({ file, line: lineAt(noComments, match.index! + match[0].lastIndexOf(specifier)), specifier, target });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** Imports of `role`'s files that land outside `allowed`, as "file:line imports 'specifier'". */
function forbiddenImports(role: string, allowed: string[]): string[] {
  return sourceFiles(role)
    .flatMap(importsOf)
    .filter((i) => i.target !== null && !allowed.includes(i.target))
    .map((i) => `${i.file}:${i.line} imports '${i.specifier}' (${i.target}/)`);
}

// ---- rule 2: SQL ----

/**
 * What counts as building SQL, line by line on the `code` view (comments and
 * literals blanked, so 'mysql://' or a comment naming .raw() is not code):
 * - a call on a knex or transaction handle: `db(`, `trx(`, `knex(`, also
 *   as a property (`this.db(`, `this.options.db(`);
 * - a query-builder method that exists for nothing else: `.raw(`,
 *   `.where...(` (where, whereIn, whereNull...), `.andWhere(`, `.orWhere(`,
 *   `.forUpdate(`, `.forShare(`, `.onConflict(`;
 * - `.insert(`, `.update(`, `.delete(`, `.del(`, `.select(`, `.first(` on a
 *   line that is part of a chain already flagged (the same line, or a line
 *   starting with "." under it), so a Map's delete() or a hash's update()
 *   is not SQL;
 * and, on the `strings` view, SQL text: `SELECT `, `UPDATE `, `INSERT INTO`,
 * `DELETE FROM` in capitals.
 */
const HANDLE_CALL = /(?<![\w$])(?:db|trx|knex)\s*\(/;
const BUILDER_METHOD = /\.(?:raw|where\w*|andWhere\w*|orWhere\w*|forUpdate|forShare|onConflict)\s*\(/;
const CHAINED_WRITE = /\.(?:insert|update|delete|del|select|first)\s*\(/;
const SQL_TEXT = /\b(?:SELECT|UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s/;

function sqlBuiltIn(text: string): { line: number; why: string }[] {
  const { code, strings } = lex(text);
  const codeLines = code.split('\n');
  const stringLines = strings.split('\n');
  const found: { line: number; why: string }[] = [];
  let chainIsQuery = false;
  codeLines.forEach((line, index) => {
    const trimmed = line.trim();
    const continues = trimmed.startsWith('.');
    if (!continues && trimmed !== '') chainIsQuery = false;
    const why: string[] = [];
    const quote = (pattern: RegExp, text: string) => `"${pattern.exec(text)![0].trim()}"`;
    if (HANDLE_CALL.test(line)) why.push(`calls a query handle ${quote(HANDLE_CALL, line)}`);
    if (BUILDER_METHOD.test(line)) why.push(`calls the query builder ${quote(BUILDER_METHOD, line)}`);
    if (why.length) chainIsQuery = true;
    else if (chainIsQuery && CHAINED_WRITE.test(line)) why.push(`continues a query ${quote(CHAINED_WRITE, line)}`);
    if (SQL_TEXT.test(stringLines[index])) why.push(`holds SQL text ${quote(SQL_TEXT, stringLines[index])}`);
    if (why.length) found.push({ line: index + 1, why: why.join('; ') });
  });
  return found;
}

/** Lines of `dirs`' files (minus `except`) that build SQL, as "file:line: why". */
function sqlOutsideStore(dirs: string[], except: string[] = []): string[] {
  return dirs
    .flatMap(sourceFiles)
    .filter((file) => !except.some((prefix) => file.startsWith(prefix)))
    .flatMap((file) => sqlBuiltIn(fs.readFileSync(path.join(ROOT, file), 'utf8')).map(({ line, why }) => `${file}:${line}: ${why}`));
}

/** Fails listing every offender, one "file:line ..." per line. */
function assertNone(offenders: string[], what: string): void {
  if (offenders.length) assert.fail(`${offenders.length} ${what}:\n  ${offenders.join('\n  ')}`);
}

describe('architecture', () => {
  before(() => {
    assert.ok(fs.existsSync(path.join(ROOT, 'package.json')) && fs.existsSync(path.join(ROOT, 'server')), `${ROOT} is not the repository root`);
  });

  describe('each role stands on its own', () => {
    it('the agent imports nothing from the server or the client', () => {
      assertNone(forbiddenImports('agent', ['agent', 'common', 'protos']), 'forbidden import(s)');
    });

    it('the client imports nothing from the server or the agent', () => {
      assertNone(forbiddenImports('client', ['client', 'common', 'protos']), 'forbidden import(s)');
    });

    it('the server imports nothing from the client or the agent', () => {
      assertNone(forbiddenImports('server', ['server', 'common', 'protos', 'migrations']), 'forbidden import(s)');
    });

    it('common code imports nothing from the server, the agent or the client', () => {
      assertNone(forbiddenImports('common', ['common', 'protos']), 'forbidden import(s)');
    });

    it('below the edges nothing knows gRPC: no @grpc/ package, server/grpc/ or generated proto type outside server/grpc/, server/http/ (which proves its callers with the gRPC edge\'s Guard), server/cli/ and server/server.ts', () => {
      const edge = (file: string) => file.startsWith('server/grpc/') || file.startsWith('server/http/') || file.startsWith('server/cli/') || file === 'server/server.ts';
      const offenders = sourceFiles('server')
        .filter((file) => !edge(file))
        .flatMap(importsOf)
        .filter((i) => {
          if (i.specifier.startsWith('@grpc/')) return true;
          if (!i.specifier.startsWith('.')) return false;
          const resolved = path.relative(ROOT, path.resolve(ROOT, path.dirname(i.file), i.specifier)).split(path.sep).join('/');
          return resolved.startsWith('server/grpc/') || resolved.startsWith('protos/generated/');
        })
        .map((i) => `${i.file}:${i.line} imports '${i.specifier}'`);
      assertNone(offenders, 'gRPC import(s) below the edge');
    });

    it('the import scan finds one- and multi-line imports and resolves them to folders (so the rules above are not vacuous)', () => {
      const targets = new Set(sourceFiles('bin').flatMap(importsOf).map((i) => i.target));
      for (const role of ['server', 'agent', 'client', 'common']) assert.ok(targets.has(role), `bin/ imports from ${role}/`);
      const multiLine = importsOf('client/commands/task.ts').find((i) => i.specifier === './common');
      assert.equal(multiLine?.target, 'client', 'a multi-line import is found');
      const required = importsOf('server/store/migrate.ts');
      assert.ok(required.some((i) => i.specifier === 'node:fs' && i.target === null), 'a package import is not a folder');
    });
  });

  describe('SQL is built only in server/store/', () => {
    it('the server builds SQL only in server/store/', () => {
      assertNone(sqlOutsideStore(['server'], ['server/store/']), 'line(s) building SQL outside server/store/');
    });

    it('the agent, the client, shared code and bin/ build no SQL', () => {
      assertNone(sqlOutsideStore(['agent', 'client', 'common', 'bin']), 'line(s) building SQL');
    });

    it('the SQL scan recognises the store\'s own queries (so the rules above are not vacuous)', () => {
      assert.ok(sqlOutsideStore(['server/store']).length > 20);
    });

    it('the SQL scan flags query building and nothing else', () => {
      const sample = [
        "const url = 'mysql://user@host/db'; // not SQL: db('x'), .raw(",
        "hash.update(secret); running.delete(id); rows.join(', ');",
        "const n = total / db.count; const re = /SELECT (x)/g;",
        'await trx(\'tasks\')',
        "  .where({ id })",
        "  .update({ state: 'RUNNING' });",
        "await this.options.db('consumers').insert(row);",
        "await knex.raw('select 1');",
        'const sql = `',
        '  DELETE FROM tasks WHERE id = ?`;',
        "throw new Error('update the schema first: SELECTED rows');",
      ].join('\n');
      assert.deepEqual(
        sqlBuiltIn(sample).map((f) => f.line),
        [4, 5, 6, 7, 8, 10],
      );
    });
  });
});
