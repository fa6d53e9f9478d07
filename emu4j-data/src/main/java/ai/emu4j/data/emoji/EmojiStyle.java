package ai.emu4j.data.emoji;

/** An emoji image set: its caption word, its folder in the emoji-datasource tarball, and its licence. */
public record EmojiStyle(String word, String key, NpmPackage pkg, String imageLicense) {
    public static final EmojiStyle NOTO = new EmojiStyle("noto", "google", NpmPackage.GOOGLE,
            "Noto Emoji images by Google, Apache License 2.0 (https://github.com/googlefonts/noto-emoji)");
    public static final EmojiStyle TWEMOJI = new EmojiStyle("twemoji", "twitter", NpmPackage.TWITTER,
            "Twemoji images by Twitter, Inc. and other contributors, CC-BY 4.0 (https://creativecommons.org/licenses/by/4.0/)");

    String imagePath(String image) {
        return "img/" + key + "/64/" + image;
    }
}
