/**
 * The small public entry point to emu4j: {@link ai.emu4j.api.Emu3Model#load} a model folder, then
 * {@link ai.emu4j.api.Emu3Model#generateImages generate images}, {@link ai.emu4j.api.Emu3Model#caption caption},
 * {@link ai.emu4j.api.Emu3Model#chat chat}, and {@link ai.emu4j.api.Emu3Model#encode encode}/{@link ai.emu4j.api.Emu3Model#decode decode}
 * with the vision and text tokenizers. Requests are records; progress arrives through listeners; any call can be
 * stopped with a {@link ai.emu4j.api.Cancellation}. The server and the command line use this API.
 */
package ai.emu4j.api;
