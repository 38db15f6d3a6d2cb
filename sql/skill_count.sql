SELECT count(*) AS n FROM skill;
