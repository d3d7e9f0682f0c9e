import { runOcrEngineContract } from '../../engines.test-support.js';

runOcrEngineContract('ppocr');
