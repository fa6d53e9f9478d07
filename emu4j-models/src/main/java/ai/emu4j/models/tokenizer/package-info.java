/**
 * Text tokenizers: text to token ids and back, for the text side of Emu3-style models.
 *
 * <ul>
 *   <li>{@link ai.emu4j.models.tokenizer.TextTokenizers#load} opens any supported path: a Hugging Face
 *       {@code tokenizer.json} (byte-level BPE), GPT-2's {@code vocab.json} + {@code merges.txt}, a tiktoken
 *       rank file (cl100k_base, o200k_base, r50k/gpt2, qwen) or an Emu3 folder.</li>
 *   <li>{@link ai.emu4j.models.tokenizer.TiktokenTokenizer}, {@link ai.emu4j.models.tokenizer.BpeTokenizer} (via
 *       {@link ai.emu4j.models.tokenizer.HfTokenizerJson}) and {@link ai.emu4j.models.tokenizer.Emu3Tokenizer}
 *       (Qwen ranks + Emu3's special and visual tokens, with helpers for their ids).</li>
 *   <li>{@link ai.emu4j.models.tokenizer.BpeTrainer} learns a byte-level BPE and writes tokenizer.json.</li>
 * </ul>
 *
 * <p>Encoding always treats special tokens as allowed. Ids are pinned to peers by tests: js-tiktoken
 * (cl100k_base, o200k_base, gpt2, and Emu3 over Qwen's ranks), gpt-3-encoder, and @huggingface/tokenizers
 * (GPT-2 and Qwen3 tokenizer.json files, and tokenizers trained here); see
 * tools/fixtures/make_tokenizer_fixtures.mjs.
 */
package ai.emu4j.models.tokenizer;
