import { documentModules } from '../../documents/registry.js';
import { documentTypeLabels } from '../review.models.js';

/** The registered document types' labels, for every reviewer page that names a type. */
export const DOCUMENT_TYPE_LABELS = documentTypeLabels(documentModules);
