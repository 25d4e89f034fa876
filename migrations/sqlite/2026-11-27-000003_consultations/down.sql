DROP TABLE consultations;
DROP TABLE organisations;
