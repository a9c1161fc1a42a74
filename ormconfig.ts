import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/environment';
import { buildDataSourceOptions } from './src/database/data-source-options';

/** The DataSource the TypeORM CLI uses (`npm run migration:*`), built as the app builds its own. */
export default new DataSource(buildDataSourceOptions(loadConfig(process.env)));
