package ai.emu4j.models.emu3;

import ai.emu4j.models.tokenizer.BpeTrainer;
import ai.emu4j.models.tokenizer.TextTokenizer;

import java.util.ArrayList;
import java.util.List;

/** Byte-level BPE tokenizers with Emu3's specials and 16 visual tokens, trained on one line: enough for tiny test models. */
final class TinyTokenizers {
    private TinyTokenizers() {}

    static TextTokenizer emu3(String corpus) {
        List<String> specials = new ArrayList<>(SpecialNames.EMU3.all());
        for (int c = 0; c < 16; c++) specials.add(VisionTokens.visualTokenName(c));
        BpeTrainer trainer = new BpeTrainer(new BpeTrainer.Options(specials.size() + 256 + 30, specials, "qwen", 1));
        trainer.add(corpus);
        return BpeTrainer.toTokenizer(trainer.train(m -> {}));
    }
}
