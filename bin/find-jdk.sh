# Sourced by ./emu4j and ./run-tests. Sets EMU4J_JAVA_HOME to a JDK whose feature version is >= 25,
# looking at JAVA_HOME, then `java` on PATH, then the usual install folders. Prints one line and
# returns 1 when none is found.
emu4j_java_feature() {  # $1 = a java executable; prints its feature version (17, 25, ...)
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
emu4j_find_jdk() {
  local cand home v
  for cand in "${JAVA_HOME:-}" \
      "$(command -v java >/dev/null 2>&1 && dirname "$(dirname "$(readlink -f "$(command -v java)")")")" \
      /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    v=$(emu4j_java_feature "$cand/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then
      EMU4J_JAVA_HOME=$cand
      return 0
    fi
  done
  echo "emu4j: no JDK 25 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm, /opt); install one, e.g. Temurin 25, and set JAVA_HOME" >&2
  return 1
}
