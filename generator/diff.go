package main

import "io"

func runDiff(o options, stdout, stderr io.Writer) int { return exitError }
