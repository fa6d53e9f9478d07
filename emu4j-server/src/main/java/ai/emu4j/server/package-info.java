/**
 * The emu4j HTTP server: an OpenAI-compatible API ({@code /v1/images/generations}, {@code /v1/chat/completions},
 * {@code /v1/models}), {@code /health}, and a web page at {@code /}, on Jetty 12 with one virtual thread per request
 * and one compute thread behind a bounded queue. See docs/SERVER.md.
 */
package ai.emu4j.server;
