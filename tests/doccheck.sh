#!/bin/sh
# doccheck.sh: the documentation and the comments cite only what exists.
#
# Fails when any file of the repository cites a file that is not in it
# (a path under docs/, runtime/, tests/prog/ ...; or a document kept outside
# the repository), when a comment names a function as f() that the code
# does not have, or when docs/ names in backquotes an identifier that
# neither the code (comments stripped), musl nor tests/doccheck.known
# (names and paths that are Go's, the kernel's or other projects') has.
cd "$(dirname "$0")/.." || exit 2
known=tests/doccheck.known
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0

if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files > "$tmp/files"
else
	find . -type f ! -path './build/*' ! -path './lib/*' | sed 's|^\./||' > "$tmp/files"
fi
grep -v '^tests/doccheck\.' "$tmp/files" | while read -r f; do [ -f "$f" ] && echo "$f"; done > "$tmp/src"

# The contract lives in the repository.
if xargs grep -nE '(spec/API|DESIGN|[^A-Za-z_]API)\.md' < "$tmp/src" > "$tmp/out"; then
	sed 's/$/  (a document outside the repository)/' "$tmp/out"
	fail=1
fi

# Paths below the repository's directories must exist. Placeholders
# (NAME.c), patterns (test_*.c, %), Go's sources (*.go), headers in <...>
# and what make builds from a .c are not files to look for.
xargs grep -noE '(^|[^A-Za-z0-9_./$-])(docs|runtime|asm|crt|libc-shim|include|tests|bench|samples|man|bin)/[A-Za-z0-9_./*%-]*[A-Za-z0-9_*]' < "$tmp/src" |
while IFS= read -r hit; do
	where=${hit%:*}
	p=${hit##*:}
	case $p in [!a-z]*) lead=${p%"${p#?}"}; p=${p#?} ;; *) lead= ;; esac
	[ "$lead" = '<' ] && continue
	case $p in *'*'*|*%*|*.go|*[A-Z][A-Z]*) continue ;; esac
	[ -e "$p" ] || [ -e "$p.c" ] && continue
	grep -qxF "$p" "$known" && continue
	echo "$where: $p: no such file in the repository"
done > "$tmp/out"
[ -s "$tmp/out" ] && { cat "$tmp/out"; fail=1; }

# The code's identifiers, comments stripped, and musl's.
for f in $(grep -E '\.(c|h)$' "$tmp/src"); do
	gcc -fpreprocessed -dD -E -P -x c "$f" 2>/dev/null
done > "$tmp/code"
grep -E '\.(S|py|ld|specs|sh)$|Makefile$|^bin/' "$tmp/src" | xargs cat >> "$tmp/code"
grep -oE '[A-Za-z_][A-Za-z0-9_]*' "$tmp/code" | sort -u > "$tmp/ids"
musl=${MUSL_LIBDIR:-/usr/lib/x86_64-linux-musl}
nm --defined-only "$musl/libc.a" 2>/dev/null | awk 'NF == 3 { print $3 }' >> "$tmp/ids"
grep -rhoE '[A-Za-z_][A-Za-z0-9_]*' "${MUSL_INCDIR:-/usr/include/x86_64-linux-musl}" 2>/dev/null >> "$tmp/ids"
grep -v '^#' "$known" >> "$tmp/ids"
sort -u -o "$tmp/ids" "$tmp/ids"

# f() in a comment of the runtime names a function of the code.
for f in $(grep -E '^(runtime|libc-shim|asm|crt|include)/.*\.(c|h|S)$' "$tmp/src"); do
	grep -noE '[A-Za-z_][A-Za-z0-9_]*\(\)' "$f" | sed "s|^|$f:|"
done | while IFS= read -r hit; do
	id=${hit##*:}; id=${id%()}
	grep -qxF "$id" "$tmp/ids" || echo "${hit%:*}: $id(): no such function"
done > "$tmp/out"
[ -s "$tmp/out" ] && { cat "$tmp/out"; fail=1; }

# `name` and `name()` in docs/ are the code's (or known) names.
for f in docs/*.md README.md; do
	grep -noE '`[A-Za-z_][A-Za-z0-9_]*(\(\))?`' "$f" | sed "s|^|$f:|"
done | while IFS= read -r hit; do
	id=${hit##*:}; id=$(echo "$id" | tr -d '`()')
	[ ${#id} -lt 3 ] && continue
	grep -qxF "$id" "$tmp/ids" || echo "${hit%:*}: \`$id\`: not in the sources"
done > "$tmp/out"
[ -s "$tmp/out" ] && { cat "$tmp/out"; fail=1; }

[ $fail = 0 ] && echo "doccheck: every citation found"
exit $fail
