/**
 * emu4j's engine: tensors and their storage ({@code tensor}), the compute kernels ({@code kernels}),
 * reverse-mode autograd and the differentiable ops ({@code autograd}), and file formats ({@code io}).
 * Nothing here knows about models.
 */
package ai.emu4j.core;
