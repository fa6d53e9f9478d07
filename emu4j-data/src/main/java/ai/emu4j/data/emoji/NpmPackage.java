package ai.emu4j.data.emoji;

/** A pinned npm package: the tarball must hash to {@code integrity} (npm's "sha512-BASE64" form). */
public record NpmPackage(String name, String version, String integrity) {
    public static final NpmPackage GOOGLE = new NpmPackage("emoji-datasource-google", "16.0.0",
            "sha512-ZRexfzs7MVoLnmzZmNsO4TKhnAJp5D++Vm6PpUpH/jEQQlemp3l88CjZ+DoZ2faM9R4QxZkOPJCoT8DlPhfQ3A==");
    public static final NpmPackage TWITTER = new NpmPackage("emoji-datasource-twitter", "16.0.0",
            "sha512-7F+uCuHH+7Qnrc15P5tnbvKkg9E6tlzi4MnT2uW1RlN4pLYTza6cP/dstIfSDMtpjFLWuZewWg8jBbuL2eyELQ==");
    public static final NpmPackage EMOJILIB = new NpmPackage("emojilib", "4.0.3",
            "sha512-KbWiYre9aRSaPbHrHZIz9zmoM+21LAsK1VFJtnTh1VCtWE/rNMDviGhQTmselFl95dhqtGlY22iH0leG5BuW0g==");

    public String spec() {
        return name + "@" + version;
    }

    /** The file name {@code npm pack} gives an unscoped package. */
    public String tarball() {
        return name + "-" + version + ".tgz";
    }
}
