/** The input grid in a device buffer, as an encoder would leave it: uploaded once, untimed. */
export async function uploadInput(device: GPUDevice, input: Float32Array): Promise<GPUBuffer> {
  const buffer = device.createBuffer({
    label: 'bench input',
    size: input.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, input.buffer, input.byteOffset, input.byteLength);
  await device.queue.onSubmittedWorkDone();
  return buffer;
}
