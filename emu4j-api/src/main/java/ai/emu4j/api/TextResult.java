package ai.emu4j.api;

/** An answer and its token counts; finishReason is "stop" (eos) or "length" (token limit or context end). */
public record TextResult(String text, int promptTokens, int completionTokens, String finishReason) {}
