/**
 * The {@code emu4j} command line (picocli). Results go to stdout, errors to stderr as one
 * {@code emu4j: error: ...} line; exit codes: 0 ok, 1 other failure, 2 usage, 3 bad model file.
 */
package ai.emu4j.cli;
