import { runOcrEngineContract } from '../../engines.test-suite.js';

runOcrEngineContract('tesseract');
