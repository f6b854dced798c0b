-- The synthetic catalog's rules as SQL predicates; one query per company.
CREATE TABLE programs (
  id text COLLATE "C" PRIMARY KEY,
  region_sidos text[],
  industry_divs text[],
  cert int,
  age_max_x bigint,
  emp_max int,
  rev_max bigint,
  venture_points int,
  tags int,
  static_score bigint
);
\copy programs FROM 'programs.csv' CSV HEADER
ANALYZE programs;

-- sido, division, certs (bit per kind), 업력 x, employees, revenue,
-- 체납 (NULL: unknown), needs (bit per need). Eligible only: a NULL 체납
-- leaves the outcome unknown, and unknown is not eligible.
PREPARE rec(text, text, int, bigint, int, bigint, boolean, int) AS
SELECT coalesce(string_agg(id, ',' ORDER BY score DESC, id), '') FROM (
  SELECT p.id,
         p.static_score
           + 30 * bit_count(((p.tags & $8)::bit(32)))
           + 5 * (CASE WHEN ($3 >> 1) & 1 = 1 THEN p.venture_points ELSE 0 END)
           AS score
  FROM programs p
  WHERE (p.region_sidos IS NULL OR $1 = ANY (p.region_sidos))
    AND (p.industry_divs IS NULL OR $2 = ANY (p.industry_divs))
    AND (p.cert IS NULL OR ($3 >> p.cert) & 1 = 1)
    AND (p.age_max_x IS NULL OR $4 <= p.age_max_x)
    AND (p.emp_max IS NULL OR $5 <= p.emp_max)
    AND (p.rev_max IS NULL OR $6 <= p.rev_max)
    AND $7 IS FALSE
  ORDER BY score DESC, p.id
  LIMIT 10
) t;
