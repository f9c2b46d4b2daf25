package main

import "io"

func runImport(args []string, stdout, stderr io.Writer) int { return exitError }
