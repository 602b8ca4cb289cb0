export { type Layer, type Param, Scratch, sizeOf } from './layer.js';
export { Conv2d, type Conv2dOptions } from './conv2d.js';
export { BatchNorm, type BatchNormOptions } from './batch-norm.js';
export { MaxPool, type MaxPoolOptions } from './max-pool.js';
export { Relu } from './relu.js';
export { ResidualBlock } from './residual-block.js';
export { GlobalAvgPool } from './global-avg-pool.js';
export { Linear } from './linear.js';
export { Sequential } from './sequential.js';
