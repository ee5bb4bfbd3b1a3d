export * from './campaigns.ts';
export * from './entries.ts';
export * from './lecturers.ts';
export * from './lectures.ts';
export * from './schools.ts';
