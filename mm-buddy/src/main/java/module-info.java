/** mmsim's buddy module; its providers are found through ServiceLoader. */
module io.mmsim.buddy {
  requires io.mmsim.api;
  requires org.slf4j;
  requires static com.google.auto.service;
}
