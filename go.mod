module pakt

go 1.26
