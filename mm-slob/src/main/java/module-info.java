/** mmsim's slob module; its providers are found through ServiceLoader. */
module io.mmsim.slob {
  requires io.mmsim.api;
  requires org.slf4j;
  requires static com.google.auto.service;
}
