DROP INDEX vehicles_model_lower;
DROP INDEX vehicles_make_lower;
