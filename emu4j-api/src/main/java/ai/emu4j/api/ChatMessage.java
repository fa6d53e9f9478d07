package ai.emu4j.api;

import ai.emu4j.models.vq.RgbImage;

import java.util.List;

/** One turn: role "system", "user" or "assistant", its text and any images (user turns). */
public record ChatMessage(String role, String text, List<RgbImage> images) {
    public ChatMessage {
        if (!List.of("system", "user", "assistant").contains(role)) throw new IllegalArgumentException("role must be system, user or assistant, got " + role);
        if (text == null) text = "";
        images = List.copyOf(images == null ? List.of() : images);
    }

    public static ChatMessage user(String text, RgbImage... images) {
        return new ChatMessage("user", text, List.of(images));
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage("assistant", text, List.of());
    }
}
