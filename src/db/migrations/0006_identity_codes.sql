-- Reserved for issue 13; replace this statement.
SELECT 1;
