export { type Layer, type Param, Scratch, sizeOf } from './layer.js';
export { Conv2d } from './conv2d.js';
export { BatchNormRelu, type BatchNormOptions } from './batch-norm-relu.js';
export { MaxPool2x2 } from './max-pool.js';
export { GlobalAvgPool } from './global-avg-pool.js';
export { Linear } from './linear.js';
export { Relu } from './relu.js';
export { Sequential } from './sequential.js';
