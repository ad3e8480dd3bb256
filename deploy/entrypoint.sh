#!/bin/sh
# The container's entrypoint (deploy/Dockerfile), also run as-is by the deploy tests. JVM flags the decoder needs,
# then genstream with the container's arguments (default: run --config /etc/genstream/genstream.properties).
#   GENSTREAM_APP_DIR   where genstream.jar and lib/ are (default /app)
#   JAVA_OPTS           extra JVM flags, e.g. -XX:MaxRAMPercentage=50 or a different GC
set -eu
APP_DIR="${GENSTREAM_APP_DIR:-/app}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Serial GC: the weights are mapped off-heap and the heap stays small (./genstream bench measured G1 at +200 MB RSS).
# The heap holds the KV caches: MaxRAMPercentage leaves the rest of the container's memory to the mapped model.
# shellcheck disable=SC2086
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:-} \
  -Dgenstream.home="$APP_DIR" -cp "$APP_DIR/genstream.jar:$APP_DIR/lib/*" dev.genstream.app.Main "$@"
