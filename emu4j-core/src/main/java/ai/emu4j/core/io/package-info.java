/**
 * Model file formats. safetensors is read as hostile input: {@link ai.emu4j.core.io.SafeTensors}
 * validates a header exactly as the reference implementation does (plus a leading '{', duplicate
 * keys and unknown entry keys) before anything is mapped, then maps the file once as an FFM segment;
 * {@link ai.emu4j.core.io.ModelWeights} adds Hugging Face shard folders;
 * {@link ai.emu4j.core.io.SafeTensorsWriter} writes the reference layout atomically. Every format
 * error is a {@link ai.emu4j.core.io.SafeTensorsException} with a one-line message.
 */
package ai.emu4j.core.io;
